"""Every known mistake in tests/catalogue/ fails exactly the hidden checks it declares, all
of them checks of its own unit, with its hint; together the mistakes fail every check of
the rubric, so no hidden check can silently pass everything.

Each catalogue file declares, besides UNIT, HINT and REPLACES (see autograder/demo.py):

- FAILS: the ids of the hidden checks it must fail, all of UNIT; it must pass every other
  check of its assignment.
- HINT: a name in HINTS that one of its failed checks must show, or None when none of the
  checks it fails names a hint from HINTS.

Hints are diagnoses: a mistake shows its own hint and no other (precision); correct code
shows none (tests/test_book_and_variants.py: the book's code and the variants lose no
check, so no message and no hint); and no hint gives away a line of the solutions.
"""

import ast
import json
import re

import pytest
from grading import catalogue_seats

from autograder import curriculum, paths
from autograder.demo import catalogue
from autograder.grade import rubric
from autograder.selfcheck.hints import HINTS

MISTAKES = catalogue()


def declared_fails(name: str) -> object:
    """The FAILS constant of tests/catalogue/<name>.py (the file is read, never imported)."""
    tree = ast.parse((paths.current().catalogue / f"{name}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "FAILS" for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def rubric_units() -> dict[str, str]:
    """Every check id of the rubric (read from curriculum.toml now) and the unit it grades."""
    return {c.id: c.unit for a in curriculum.ASSIGNMENTS for c in rubric.checks(a.id)}


def failed(result) -> set[str]:
    return {c.id for c in result.checks if c.status != "passed"}


def test_the_catalogue_is_large_and_well_formed():
    assert len(MISTAKES) >= 25
    units = rubric_units()
    for m in MISTAKES:
        assert m.unit, m.name
        assert m.hint is None or m.hint in HINTS, f"{m.name}: HINT {m.hint!r} is not in HINTS"
        assert m.code.startswith(("def ", f"{m.replaces} = ")), m.name
        fails = declared_fails(m.name)
        assert isinstance(fails, tuple) and fails and all(isinstance(f, str) for f in fails) \
            and len(set(fails)) == len(fails), \
            f"{m.name}: FAILS must be a tuple of the check ids it fails, each once: {fails!r}"
        unknown = [f for f in fails if f not in units]
        assert not unknown, f"{m.name}: FAILS names checks that are not in the rubric: {unknown}"
        foreign = [f"{units[f]}/{f}" for f in fails if units[f] != m.unit]
        assert not foreign, f"{m.name}: FAILS names checks of units other than {m.unit}: {foreign}"


SEATS = catalogue_seats()


@pytest.fixture(scope="module")
def graded(catalogue_graded):
    """The catalogue class (conftest.py), by mistake name."""
    return {m.name: catalogue_graded[SEATS[m.name]] for m in MISTAKES}


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_mistake_fails_exactly_its_declared_checks_with_its_hint(graded, mistake):
    result = graded[mistake.name]
    lost = [c for c in result.checks if c.status != "passed"]
    assert lost, f"{mistake.name} lost no points"
    elsewhere = [f"{c.unit}/{c.id}: {c.message}" for c in lost if c.unit != mistake.unit]
    assert not elsewhere, f"{mistake.name} also cost points elsewhere: {elsewhere}"
    declared = set(declared_fails(mistake.name) or ())
    got = failed(result)
    changes = []
    if declared - got:
        changes.append(f"no longer fails {sorted(declared - got)}")
    if got - declared:
        changes.append("also fails " + "; ".join(f"{c.id} ({c.message})" for c in lost
                                                   if c.id not in declared))
    assert got == declared, (
        f"{mistake.name}: {', and '.join(changes)}; its FAILS declares {sorted(declared)}")
    shown = hints_shown(lost)
    want = {mistake.hint} if mistake.hint is not None else set()
    assert shown == want, (
        f"{mistake.name}: its failed checks show the hints {sorted(shown)}, expected exactly "
        f"{sorted(want)}: {[c.message for c in lost]}")


def _pattern(text: str) -> re.Pattern:
    """A HINTS text as a pattern: its {placeholders} match any filled-in value."""
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


PATTERNS = {key: _pattern(text) for key, text in HINTS.items()}


def hints_shown(checks) -> set[str]:
    """The HINTS keys whose text appears in the messages of these checks."""
    return {key for key, pattern in PATTERNS.items()
            if any(pattern.search(c.message or "") for c in checks)}


def test_the_catalogue_diagnoses_most_mistakes():
    named = [m.name for m in MISTAKES if m.hint is not None]
    assert len(MISTAKES) >= 85 and len(named) >= 80, (len(MISTAKES), len(named))
    assert len({m.hint for m in MISTAKES if m.hint}) >= 70


def test_every_rubric_check_is_failed_by_a_catalogue_mistake(graded):
    """A hidden check that no known mistake fails could pass everything: each check id of
    the rubric needs a mistake in tests/catalogue/ that fails it (and nothing outside its
    unit). New checks are picked up from the rubric."""
    units = rubric_units()
    covered = set()
    for m in MISTAKES:
        result = graded[m.name]
        covered |= {c.id for c in result.checks if c.status != "passed" and c.unit == m.unit}
    uncovered = [f"{units[i]}/{i}" for i in units if i not in covered]
    assert not uncovered, (
        f"{len(uncovered)} of {len(units)} hidden checks are failed by no catalogue mistake "
        f"of their own unit (add one to tests/catalogue/ that fails it and no check of "
        f"another unit): " + ", ".join(uncovered))


# --- no answer lines in any hint -----------------------------------------------------------

_BEGIN, _END = "### BEGIN SOLUTION", "### END SOLUTION"


def _normal(code: str) -> str:
    """Code or text without spaces, comments and the prefixes np. and self."""
    code = code.split("#")[0]
    return re.sub(r"\s+", "", code).replace("np.", "").replace("self.", "")


# A call such as softmax(x) or loss(x,t): a unit's name, which messages must use.
_SIMPLE_CALL = re.compile(r"^[\w.]+\(\w*(,\w+)*\)$")


def solution_fragments() -> set[str]:
    """Every code line of the solution regions of solutions/*/*.ipynb, normalized, and the
    right-hand side of each assignment or return: the answers a hint must not contain."""
    fragments = set()
    for notebook in sorted(paths.solutions_dir().glob("*/*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            for region in re.findall(re.escape(_BEGIN) + r"(.*?)" + re.escape(_END), source,
                                     re.DOTALL):
                for line in region.splitlines():
                    line = _normal(line)
                    candidates = {line}
                    match = re.match(r"^(?:return|[\w\[\]\"',.]+(?:[-+*/]?=))(.+)$", line)
                    if match:
                        candidates.add(match.group(1))
                    fragments |= {c for c in candidates if len(c) >= 8
                                  and re.search(r"[(\[*/+-]", c) and not _SIMPLE_CALL.match(c)}
    return fragments


def hidden_suite_literals() -> list[str]:
    """The string literals of the hidden suites (hints and messages), f-strings included."""
    out = []
    for path in sorted((paths.ROOT / "autograder" / "hidden").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append(node.value)
    return out


def test_no_hint_gives_away_a_solution_line():
    fragments = solution_fragments()
    assert len(fragments) > 60  # the regions were found
    # The detector catches the answers hints used to give.
    for answer in ("dx = np.dot(dout, self.W.T)", "params[key] -= lr * grads[key]",
                   "use 1 / (1 + np.exp(-x))"):
        assert any(f in _normal(answer) for f in fragments), answer
    offenders = [f"HINTS[{key!r}] holds {f!r}" for key, text in HINTS.items()
                 for f in fragments if f in _normal(text)]
    offenders += [f"a hidden suite literal {text!r} holds {f!r}"
                  for text in hidden_suite_literals() for f in fragments if f in _normal(text)]
    assert not offenders, offenders
