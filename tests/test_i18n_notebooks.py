"""The Japanese notebooks: made from the English source through gettext catalogs.

The catalogs are complete and reviewed, the Japanese prose leaves no English sentence behind and
uses the book's terms, an edit of the English marks its translation fuzzy (and the release shows the
new English until it is reviewed), and the Japanese notebooks run and grade like the English ones.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import time
import tokenize
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from grading import grade

from autograder import curriculum, paths
from autograder.demo import write_notebook
from autograder.i18n import notebooks
from autograder.release import generate_release
from dataset import fashion_mnist
from kit import RELEASE, SOLUTIONS, notebook_sources, write_solution

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

IDS = [a.id for a in curriculum.ASSIGNMENTS]
GLOSSARY = tomllib.loads((paths.ROOT / "autograder" / "i18n" / "glossary.toml")
                         .read_text(encoding="utf-8"))["terms"]
_CODE_OR_MATH = re.compile(r"`[^`]*`|\$\$.*?\$\$|(?<!\\)\$.+?(?<!\\)\$", re.DOTALL)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# A run of this many English words in a row is a sentence left untranslated; names of things
# (Fashion-MNIST, Softmax-with-Loss, early stopping, L2) are shorter.
_ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'-]*(?:[ ,]+[A-Za-z][A-Za-z'-]*){3,}")


def _ja_markdown(assignment_id: str) -> list[str]:
    nb = json.loads((RELEASE / "ja" / assignment_id / curriculum.get(assignment_id).notebook)
                    .read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _prose(text: str) -> str:
    """Markdown without code spans, math, fenced code, tables and link targets."""
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = _CODE_OR_MATH.sub(" ", text)
    text = re.sub(r"^\s*\|.*$", " ", text, flags=re.MULTILINE)
    return re.sub(r"\]\([^)]*\)", "]", text)


def latin_share(texts: list[str]) -> float:
    """Latin-letter words as a share of all words, a Japanese word counted as two characters."""
    prose = " ".join(_prose(t) for t in texts)
    latin = len(_LATIN_WORD.findall(prose))
    japanese = len(_JAPANESE.findall(prose)) / 2
    return latin / (latin + japanese)


# ---- the committed catalogs and the Japanese release ------------------------------------------

@pytest.mark.parametrize("assignment_id", IDS)
def test_the_catalog_follows_the_english_and_is_reviewed(assignment_id):
    """Every English unit has a reviewed translation: nothing untranslated, nothing fuzzy,
    no entry for English that no longer exists (run `python -m autograder.i18n.notebooks update`)."""
    catalog = notebooks.load(assignment_id, "ja")
    english = {m.id for m in notebooks.template(assignment_id) if m.id}
    assert english, assignment_id
    translated = {m.id for m in catalog if m.id}
    assert english - translated == set(), "units not in the catalog: run update"
    assert translated - english == set(), "catalog entries for English that is gone: run update"
    assert notebooks.status(catalog)[1:] == (0, 0)
    rendered = notebooks.render_assignment(assignment_id, "ja")
    assert (rendered.missing, rendered.fuzzy) == ([], [])


@pytest.mark.parametrize("assignment_id", IDS)
def test_the_japanese_notebook_has_no_untranslated_english_prose(assignment_id):
    texts = _ja_markdown(assignment_id)
    runs = [run for text in texts for run in _ENGLISH_RUN.findall(_prose(text))]
    assert runs == [], f"English left in the Japanese {assignment_id}: {runs}"
    # Measured: 0.042 (05) to 0.097 (04, where Affine, Relu, Sigmoid and Softmax-with-Loss are
    # the names of the book's layers); the English notebooks measure 0.94 to 0.99.
    assert latin_share(texts) < 0.11, latin_share(texts)
    a = curriculum.get(assignment_id)
    english = [s for c, s in notebook_sources(SOLUTIONS / a.id / a.notebook)
               if c["cell_type"] == "markdown"]
    assert latin_share(english) > 0.9  # the measure sees English


def test_the_whole_japanese_release_is_mostly_japanese():
    share = latin_share([t for aid in IDS for t in _ja_markdown(aid)])
    assert share < 0.08, share  # measured 0.064 over all six notebooks


@pytest.mark.parametrize("assignment_id", IDS)
def test_code_spans_and_math_are_kept_as_they_are(assignment_id):
    """A translation holds exactly the code spans and formulas of its English."""
    for m in notebooks.load(assignment_id, "ja"):
        if m.id and m.string:
            assert Counter(_CODE_OR_MATH.findall(m.id)) == Counter(
                _CODE_OR_MATH.findall(m.string)), m.id


def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z-])" + re.escape(term).replace(r"\-", "[- ]?")
                      + r"(?:s|es)?(?![A-Za-z])", re.IGNORECASE)


def test_the_translation_uses_the_books_terms():
    """Where a unit's English uses a glossary term (outside code and math), its translation
    uses the book's Japanese term and none of the renderings the book avoids."""
    used, wrong = Counter(), []
    for assignment_id in IDS:
        for m in notebooks.load(assignment_id, "ja"):
            if not (m.id and m.string):
                continue
            english = _CODE_OR_MATH.sub(" ", m.id)
            # Longest first: "output layer" is 出力層, and its "layer" is not counted again.
            for term, entry in sorted(GLOSSARY.items(), key=lambda item: -len(item[0])):
                for avoided in entry.get("avoid", []):
                    if avoided in m.string:
                        wrong.append((assignment_id, term, avoided, m.string))
                english, found = _term_pattern(term).subn(" ", english)
                if found:
                    used[term] += 1
                    ja = entry["ja"].split("（")[0]  # "その場で（インプレースで）" -> "その場で"
                    if ja not in m.string:
                        wrong.append((assignment_id, term, entry["ja"], m.string))
    assert not wrong, "\n".join(map(str, wrong))
    assert used["backpropagation"] and used["pre-activation"] and used["in place"]


@pytest.mark.parametrize(("term", "gloss"), [
    ("pre-activation", "pre-activation："), ("in place", "つまり、新しい配列を作らずに"),
    ("one-hot", "one-hot表現"), ("mini-batch", "（mini-batch）"), ("epoch", "（epoch）")])
def test_a_new_term_is_glossed_where_it_first_appears(term, gloss):
    """The first Japanese unit that renders an English term explains it (or gives the English)."""
    first = next(m.string for aid in IDS for m in notebooks.load(aid, "ja")
                 if m.id and _term_pattern(term).search(_CODE_OR_MATH.sub(" ", m.id)))
    assert gloss in first, first


# ---- cutting into units ------------------------------------------------------------------------

@pytest.mark.parametrize("assignment_id", IDS)
def test_rendering_without_translations_gives_back_the_english(assignment_id):
    """The walk that cuts a cell into units puts every other character back as it was."""
    a = curriculum.get(assignment_id)
    nb = nbformat.read(SOLUTIONS / a.id / a.notebook, as_version=4)
    rendered = notebooks.render(nb, None, "xx")
    assert [c.source for c in rendered.notebook.cells] == [c.source for c in nb.cells]
    assert len(rendered.missing) == len(list(notebooks.units(nb))) > 20


def test_units_are_paragraphs_items_headings_and_comments():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(
            "## A title\n\nOne paragraph\nover two lines with `code` and $x^2$.\n\n"
            "- first item\n  continued\n- second item\n\n$$y = xW + b$$\n\n```python\n# no\n```"),
        nbformat.v4.new_code_cell(
            "# Explain this\n# over two lines.\nx = 1  # and this\n"
            "def f():\n    ### BEGIN SOLUTION\n    # a solution comment\n    return 1\n"
            "    ### END SOLUTION\n# YOUR CODE HERE")])
    found = [text for text, _ in notebooks.units(nb)]
    assert found == ["A title", "One paragraph\nover two lines with `code` and $x^2$.",
                     "first item\ncontinued", "second item", "Explain this\nover two lines.",
                     "and this"]
    catalog = notebooks.Catalog(locale="ja")
    for text, ja in zip(found, ["見出し", "段落 `code` と $x^2$。", "項目1\n続き", "項目2",
                                "説明\n2行", "これも"]):
        catalog.add(text, ja)
    out = notebooks.render(nb, catalog, "ja").notebook
    assert out["cells"][0]["source"] == ("## 見出し\n\n段落 `code` と $x^2$。\n\n- 項目1\n  続き\n"
                                         "- 項目2\n\n$$y = xW + b$$\n\n```python\n# no\n```")
    assert out["cells"][1]["source"] == (
        "# 説明\n# 2行\nx = 1  # これも\ndef f():\n    ### BEGIN SOLUTION\n"
        "    # a solution comment\n    return 1\n    ### END SOLUTION\n# YOUR CODE HERE")
    assert out["metadata"]["scratchgrad"]["lang"] == "ja"


# ---- an edit of the English -------------------------------------------------------------------

@pytest.fixture
def edited_kit(tmp_path):
    """A copy of solutions/ where one paragraph of 02 is reworded and one is added, then the
    catalogs updated as a maintainer would."""
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    path = solutions / "02_forward" / "forward.ipynb"
    nb = nbformat.read(path, as_version=4)
    old = ("The output layer of a regression network uses the identity function: it returns "
           "its input unchanged.")
    new = ("The output layer of a regression network uses the identity function: it returns "
           "its input exactly as it is.")
    added = "A brand-new paragraph that nobody has translated yet."
    cell = next(c for c in nb.cells if old in c.source)
    cell.source = cell.source.replace(old, new + "\n\n" + added)
    nbformat.write(nb, path)
    catalog = notebooks.update("02_forward", "ja", solutions=solutions)
    return solutions, catalog, old, new, added


def test_an_edited_paragraph_keeps_its_translation_as_fuzzy(edited_kit):
    solutions, catalog, old, new, added = edited_kit
    message = catalog.get(new)
    assert message.fuzzy and message.previous_id == [old]
    assert "恒等関数" in message.string  # the old translation, kept for the reviewer
    assert catalog.get(added) is not None and not catalog.get(added).string
    assert old in {m.id for m in catalog.obsolete.values()} or catalog.get(old) is None
    assert notebooks.status(catalog)[1:] == (1, 1)
    # the catalog on disk says so, in gettext's own notation
    po = notebooks.catalog_path("02_forward", "ja", solutions).read_text(encoding="utf-8")
    assert f'#, fuzzy\n#| msgid "{old[:40]}' in po and f'\nmsgid "{new}"\nmsgstr "回帰' in po


def test_the_release_shows_the_new_english_until_it_is_reviewed(edited_kit, tmp_path):
    solutions, catalog, _, new, added = edited_kit
    fallbacks = []
    generate_release(dest=tmp_path / "out", assignment_ids=["02_forward"], source=solutions,
                     langs=["ja"], fallbacks=fallbacks)
    [fallback] = fallbacks
    assert (fallback.assignment, fallback.lang, fallback.fuzzy, fallback.missing) == (
        "02_forward", "ja", (new,), (added,))
    text = (tmp_path / "out" / "ja" / "02_forward" / "forward.ipynb").read_text(encoding="utf-8")
    assert new in text and added in text  # not the stale translation of the old English
    assert "ソフトマックス関数" in text  # everything else stays Japanese
    # the reviewer accepts (or corrects) the translation: the release is Japanese again
    catalog.get(new).flags.discard("fuzzy")
    catalog.get(added).string = "まだ誰も翻訳していない新しい段落です。"
    notebooks.save(catalog, notebooks.catalog_path("02_forward", "ja", solutions))
    fallbacks = []
    generate_release(dest=tmp_path / "out", assignment_ids=["02_forward"], source=solutions,
                     langs=["ja"], fallbacks=fallbacks)
    assert fallbacks == []
    text = (tmp_path / "out" / "ja" / "02_forward" / "forward.ipynb").read_text(encoding="utf-8")
    assert new not in text and "まだ誰も翻訳していない" in text


def test_the_cli_release_warns_about_english_fallbacks(edited_kit, tmp_path):
    solutions = edited_kit[0]
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "release", "--dest", str(tmp_path / "out"),
         "--assignment", "02_forward", "--lang", "ja"],
        capture_output=True, text=True, check=False, timeout=300,
        env={**__import__("os").environ, "SCRATCHGRAD_SOLUTIONS": str(solutions)})
    assert done.returncode == 0, done.stderr
    assert ("warning: 02_forward (ja): 1 untranslated and 1 fuzzy paragraphs are shown in "
            "English") in done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ja"]


def test_update_is_stable_on_the_committed_catalogs(tmp_path):
    """Running update on an unchanged kit changes no byte of a catalog."""
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    for assignment_id in IDS:
        notebooks.update(assignment_id, "ja", solutions=solutions)
        assert notebooks.catalog_path(assignment_id, "ja", solutions).read_bytes() == \
            notebooks.catalog_path(assignment_id, "ja").read_bytes(), assignment_id


# ---- the Japanese notebooks run and grade like the English ones --------------------------------

def _solutions_in(folder: Path, lang: str) -> Path:
    for a in curriculum.ASSIGNMENTS:
        (folder / a.id).mkdir(parents=True)
        write_solution(a.id, lang, folder / a.id / a.notebook)
        shutil.copy(SOLUTIONS / a.id / a.public_tests, folder / a.id)
    return folder


def _code_tokens(source: str) -> list[tuple[int, str]]:
    """The tokens of a code cell without its comments and line breaks; IPython's magics and
    shell lines, which are not Python, are kept as lines."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    magics = [line.strip() for line in source.splitlines() if line.lstrip().startswith(("%", "!"))]
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER}
    tokens = tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline)
    return [(t.type, t.string) for t in tokens if t.type not in skip] + [(-1, m) for m in magics]


def test_the_japanese_code_is_the_english_code(tmp_path):
    """Cell by cell, each Japanese solution notebook's code is the English one's token for
    token: only comments differ. So the Japanese notebooks run wherever the English ones do,
    and a translated comment cannot have turned into code."""
    translated = 0
    for a in curriculum.ASSIGNMENTS:
        english, japanese = (nbformat.read(write_solution(a.id, lang, tmp_path / f"{lang}.ipynb"),
                                           as_version=4) for lang in ("en", "ja"))
        assert [c.cell_type for c in japanese.cells] == [c.cell_type for c in english.cells]
        pairs = [(en.source, ja.source) for en, ja in zip(english.cells, japanese.cells)
                 if en.cell_type == "code"]
        assert pairs, a.id
        for en, ja in pairs:
            assert _code_tokens(ja) == _code_tokens(en), (a.id, en, ja)
        translated += sum(en != ja for en, ja in pairs)
    assert translated >= 5, "the comparison saw almost no translated comment"


# Training loops run with fewer iterations than the notebooks', on the bundled sample: what this
# test asserts is that every cell runs and every check passes. test_training_full runs the full
# training on the full data.
_SHORTER_LOOPS = {"05_training": ("iters_num=10000, batch_size=100, learning_rate=0.1, seed=0)",
                                  "iters_num=1000, batch_size=100, learning_rate=0.1, seed=0)"),
                  "06_optimizers": ("for i in range(500):", "for i in range(100):")}


@pytest.mark.slow
def test_the_japanese_notebooks_run_top_to_bottom(tmp_path, monkeypatch):
    """Every Japanese solution notebook, executed in a real python3 kernel in its folder next to
    the others: no cell raises, and every check cell passes. (Measured 38 s with the notebooks'
    own loops, 18 s of it 05's training run; 15 s with the shorter loops on the sample.)"""
    from nbclient import NotebookClient

    folder = _solutions_in(tmp_path / "ja", "ja")
    (tmp_path / "no-data").mkdir()  # 05 then says so and trains on the sample
    monkeypatch.setenv(fashion_mnist.ENV_VAR, str(tmp_path / "no-data"))
    for a in curriculum.ASSIGNMENTS:
        path = folder / a.id / a.notebook
        nb = nbformat.read(path, as_version=4)
        if a.id in _SHORTER_LOOPS:
            loop, shorter = _SHORTER_LOOPS[a.id]
            cells = [c for c in nb.cells if c.cell_type == "code" and loop in c.source]
            assert len(cells) == 1, f"{a.id}: expected one cell with {loop!r}"
            cells[0].source = cells[0].source.replace(loop, shorter)
        started = time.monotonic()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.output_type == "error"]
        assert not errors, (a.id, errors)
        shown = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                        for o in c.get("outputs", []) if o.output_type == "stream")
        assert "✗" not in shown and shown.count("✓") >= len(a.units), (a.id, shown)
        print(f"{a.id}: {time.monotonic() - started:.1f} s")


def test_the_same_code_earns_the_same_scores_in_both_languages(tmp_path):
    """One student with a typical mistake, once in the English notebook and once in the Japanese
    one: the same checks pass and fail with the same scores."""
    aid = "02_forward"
    a = curriculum.get(aid)
    for student, lang in (("en_student", "en"), ("ja_student", "ja")):
        nb = nbformat.read(RELEASE / lang / aid / a.notebook, as_version=4)
        solution = nbformat.read(write_solution(aid, lang, tmp_path / f"{lang}.ipynb"),
                                 as_version=4)
        for mine, answer in zip(nb.cells, solution.cells):
            if mine.cell_type == "code" and "YOUR CODE HERE" in mine.source:
                mine.source = re.sub(r"\s*### (BEGIN|END) SOLUTION", "", answer.source)
            if "def softmax(" in mine.source:  # the classic overflow
                mine.source = ("def softmax(x):\n    e = np.exp(x)\n"
                               "    return e / np.sum(e, axis=-1, keepdims=True)\n")
        assert nb.metadata["scratchgrad"]["lang"] == lang
        write_notebook(json.loads(nbformat.writes(nb)), tmp_path / "class" / student / aid
                       / a.notebook)
    results = grade(tmp_path / "class", [aid])
    en, ja = results[("en_student", aid)], results[("ja_student", aid)]
    assert 0 < en.score < en.max_score
    assert [(c.id, c.unit, c.status, c.score, c.max_score) for c in en.checks] == [
        (c.id, c.unit, c.status, c.score, c.max_score) for c in ja.checks]
