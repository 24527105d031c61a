"""The student release is generated from the solutions and gives nothing away."""

import ast
import filecmp
import json
import re

import pytest

from autograder import curriculum, paths
from autograder.grade import rubric
from autograder.release import generate_release
from kit import LANGS, RELEASE, ROOT, SOLUTIONS, notebook_sources, solution_regions, write_solution


def _tree(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_committed_release_equals_a_fresh_generation(tmp_path):
    generate_release(dest=tmp_path)
    assert _tree(tmp_path) == _tree(RELEASE)
    assert {p.parts[0] for p in _tree(RELEASE)} == set(LANGS)
    stale = [str(p) for p in _tree(tmp_path)
             if not filecmp.cmp(tmp_path / p, RELEASE / p, shallow=False)]
    assert not stale, f"assignments/ is out of date, run `scratchgrad release`: {stale}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_assignment_has_its_notebook_and_public_tests(lang):
    for a in curriculum.ASSIGNMENTS:
        assert (SOLUTIONS / a.id / a.notebook).is_file()
        assert (RELEASE / lang / a.id / a.notebook).is_file()
        assert (RELEASE / lang / a.id / a.public_tests).is_file()
        assert filecmp.cmp(RELEASE / lang / a.id / a.public_tests,
                           SOLUTIONS / a.id / a.public_tests, shallow=False)


@pytest.mark.parametrize("lang", LANGS)
def test_stubs_raise_not_implemented_and_record_their_language(lang):
    for a in curriculum.ASSIGNMENTS:
        text = (RELEASE / lang / a.id / a.notebook).read_text(encoding="utf-8")
        assert "# YOUR CODE HERE" in text and "raise NotImplementedError()" in text
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        assert json.loads(text)["metadata"]["scratchgrad"]["lang"] == lang
        # a question's answer cell: nbgrader's stub, in the notebook's language
        assert ("YOUR ANSWER HERE" in text) == (lang == "en"), (lang, a.id)


def test_the_languages_share_every_code_cell():
    """Only prose is translated: the code cells of the two releases are the same, cell by cell
    (the text of a comment aside), so a student's code means the same in both."""
    for a in curriculum.ASSIGNMENTS:
        en, ja = (notebook_sources(RELEASE / lang / a.id / a.notebook) for lang in ("en", "ja"))
        assert [c["cell_type"] for c, _ in en] == [c["cell_type"] for c, _ in ja]
        for (cell, en_source), (_, ja_source) in zip(en, ja):
            if cell["cell_type"] == "code":
                assert re.sub(r"#.*", "#", en_source) == re.sub(r"#.*", "#", ja_source), a.id


def _significant(line):
    line = line.strip()
    return len(line) >= 8 and not line.startswith("#") and re.search(r"[A-Za-z]", line)


def _given_text(include_tests=True):
    """What the release shows on purpose: the source outside solution regions (teaching
    text may quote a formula such as `x -= lr * grad`), and the public tests unless
    include_tests is False."""
    given = []
    for a in curriculum.ASSIGNMENTS:
        for cell, source in notebook_sources(SOLUTIONS / a.id / a.notebook):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "markdown" and meta.get("solution"):
                continue
            given.append(re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", source,
                                flags=re.DOTALL))
        if include_tests:
            given.extend(p.read_text() for p in (SOLUTIONS / a.id).glob("test_*.py"))
    return "\n".join(given)


def _released_text():
    return "\n".join(
        "\n".join(source for _, source in notebook_sources(p)) if p.suffix == ".ipynb"
        else p.read_text()
        for p in RELEASE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def test_no_solution_line_reaches_the_release():
    given = _given_text()
    secret = {line.strip() for a in curriculum.ASSIGNMENTS
              for region in solution_regions(SOLUTIONS / a.id / a.notebook)
              for line in region.splitlines()
              if _significant(line) and line.strip() not in given}
    assert len(secret) > 100  # the check sees the solutions at all
    released = _released_text()
    leaked = sorted(line for line in secret if line in released)
    assert not leaked, f"solution lines in assignments/: {leaked}"


def test_no_translated_model_answer_reaches_the_release(tmp_path):
    """The model answers (graded markdown cells) are translated too: no line of a translated
    answer is in any release."""
    secret = set()
    for a in curriculum.ASSIGNMENTS:
        for lang in LANGS:
            path = write_solution(a.id, lang, tmp_path / f"{lang}-{a.notebook}")
            for cell, source in notebook_sources(path):
                if cell["cell_type"] == "markdown" and cell["metadata"].get(
                        "nbgrader", {}).get("solution"):
                    secret.update(s.strip() for s in re.split(r"[。.]\s*", source)
                                  if len(s.strip()) >= 12)
    assert len(secret) > 20
    released = _released_text()
    leaked = sorted(s for s in secret if s in released)
    assert not leaked, f"model answers in assignments/: {leaked}"


def test_no_hidden_test_text_reaches_the_release():
    hidden = sorted((ROOT / "autograder" / "hidden").glob("test_*.py"))
    assert len(hidden) == len(curriculum.ASSIGNMENTS)
    given = _given_text()
    secret = {line.strip() for path in hidden for line in path.read_text().splitlines()
              if len(line.strip()) >= 25 and not line.strip().startswith(("import ", "from ", "#"))
              and line.strip() not in given}
    assert len(secret) > 50
    released = _released_text()
    leaked = sorted(line for line in secret if line in released)
    assert not leaked, f"hidden test lines in assignments/: {leaked}"


@pytest.mark.parametrize("assignment", curriculum.ASSIGNMENTS, ids=lambda a: a.id)
def test_each_unit_has_one_test_cell_worth_its_rubric_points(assignment):
    """The gradebook path writes a unit's score into its test cell, so they must agree: the
    release's cells carry the curriculum table's points, the solution's carry none (the
    table is the one place they are declared)."""
    def test_cells(folder):
        nb = json.loads((folder / assignment.id / assignment.notebook).read_text())
        cells = {}
        for cell in nb["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("grade") and cell["cell_type"] == "code":
                assert meta["grade_id"] not in cells, f"two test cells {meta['grade_id']}"
                cells[meta["grade_id"]] = meta.get("points")
        return cells

    expected = {curriculum.grade_cell_id(u): p for u, p in rubric.unit_points(assignment.id).items()}
    assert {k: float(v) for k, v in test_cells(paths.assignments_dir()).items()} == expected
    assert test_cells(paths.solutions_dir()) == dict.fromkeys(expected)


# --- the public tests' messages teach the idea, never the code of a graded unit ----------

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _normal(text):
    """Code and prose compared alike: no whitespace, one kind of quote, no `self.`/`np.`."""
    text = re.sub(r"\b(self|np|numpy)\.", "", text)
    return re.sub(r"\s+", "", text.replace('"', "'"))


def _numbers(text):
    return tuple(float(n) for n in _NUMBER.findall(text))


def _contains(seq, sub):
    return any(seq[i:i + len(sub)] == sub for i in range(len(seq) - len(sub) + 1))


# Sub-expressions that compute something (`grads["b2"]` alone is a name, not an answer).
_COMPUTATIONS = (ast.Call, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Lambda,
                 ast.IfExp)


def _parsed(line):
    """The computations of one solution line; [] when the line is not a statement alone."""
    line = line.strip().split("  #")[0].rstrip(":")
    for text in (line, line + ": pass"):
        try:
            return [n for n in ast.walk(ast.parse(text)) if isinstance(n, _COMPUTATIONS)]
        except SyntaxError:
            continue
    return []


def _secrets():
    """What a public test's message must not show: every significant solution line, and its
    sub-expressions of 10+ characters (normalized) and number sequences (w = (-0.5, -0.5)
    is `np.array([-0.5, -0.5])` written differently), unless the release shows them on
    purpose (the notebook outside its solution regions)."""
    given = _given_text(include_tests=False)
    given_normal = _normal(given)
    given_numbers = [_numbers(line) for line in given.splitlines()]
    code, numbers = {}, {}
    for a in curriculum.ASSIGNMENTS:
        for region in solution_regions(SOLUTIONS / a.id / a.notebook):
            for line in region.splitlines():
                if not _significant(line):
                    continue
                nodes = _parsed(line)
                pieces = {_normal(line.strip().split("  #")[0])} | {
                    _normal(ast.unparse(node)) for node in nodes}
                for piece in pieces:
                    if len(piece) >= 10 and piece not in given_normal:
                        code.setdefault(piece, line.strip())
                values = _numbers(line)
                if (nodes and len(values) >= 2 and any(v != int(v) for v in values)
                        and not any(_contains(g, values) for g in given_numbers)):
                    numbers.setdefault(values, line.strip())
    return code, numbers


def _messages(path):
    """Every string a public test can show a student: its literals and f-string parts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            found.append(" ".join(v.value for v in node.values if isinstance(v, ast.Constant)))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings):
            found.append(node.value)
    return found


def _leaks(messages, secrets):
    code, numbers = secrets
    leaks = []
    for message in messages:
        normal, values = _normal(message), _numbers(message)
        leaks += [(message, line) for piece, line in code.items() if piece in normal]
        leaks += [(message, line) for seq, line in numbers.items() if _contains(values, seq)]
    return leaks


@pytest.fixture(scope="module")
def secrets():
    code, numbers = _secrets()
    assert len(code) > 100 and numbers  # the check sees the solutions at all
    return code, numbers


def test_public_test_messages_hold_no_solution_code(secrets):
    tests = sorted(SOLUTIONS.glob("*/test_*.py"))
    assert len(tests) == len(curriculum.ASSIGNMENTS)
    leaks = [(path.parent.name, *leak) for path in tests
             for leak in _leaks(_messages(path), secrets)]
    assert not leaks, f"public test messages that give solution code: {leaks}"


@pytest.mark.parametrize("message", [
    "dx = np.dot(dout, self.W.T)",  # a copy of a solution line
    "dx = np.dot(dout,self.W.T)",  # respaced
    'use np.dot(dout, W.T) for dx',  # a fragment, without self.
    "return dx.reshape(*self.original_x_shape)",
    "e.g. w = (-0.5, -0.5), b = 0.7",  # NAND's weights, written as a tuple
    "grads[key] = numerical_gradient(loss_W, params[key])",  # without self.
    "numerical_gradient(lambda W: self.loss(x, t), ...)",  # a fragment inside a call
])
def test_the_leak_check_sees_copies_and_paraphrases(secrets, message):
    assert _leaks([message], secrets), message


def test_the_leak_check_passes_teaching_text(secrets):
    teaching = [
        "dx has the shape of x: by the chain rule it is dout times the transpose of W",
        "sum dout over the batch axis (axis 0) to get db",
        "NAND is the opposite of AND: flip the signs of AND's weights and bias",
    ]
    assert not _leaks(teaching, secrets)
