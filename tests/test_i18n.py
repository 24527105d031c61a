"""The message catalogs: every message translated with the same placeholders, the book's terms,
the language of a run and of each graded notebook, and Japanese in instructors' files."""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import json
import os
import re
import string
import threading
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from grading import grade, write_student

from autograder.demo import catalogue, student_notebook, write_notebook
from autograder.grade.results import AssignmentResult, CheckResult
from autograder.i18n import __main__ as workflow
from autograder.i18n import language
from autograder.i18n.messages import LOCALE_DIR, _, active, translator, using
from autograder.report.feedback import feedback_html
from autograder.report.grades_csv import read_grades_csv, write_grades_csv
from autograder.report.table import grade_table, width
from kit import copy_release

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PO = workflow.po_path("ja")
GLOSSARY = tomllib.loads((ROOT / "autograder/i18n/glossary.toml").read_text(encoding="utf-8"))
# Japanese script: hiragana, katakana, CJK ideographs.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _catalog():
    with PO.open("rb") as f:
        return read_po(f)


def _pairs() -> list[tuple[str, str]]:
    """(msgid, msgstr) for every message and plural form of the Japanese catalog."""
    pairs = []
    for m in _catalog():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        pairs += [(ids[min(i, len(ids) - 1)], s) for i, s in enumerate(strs)]
        if isinstance(m.id, tuple):  # the plural msgid has a translation too (nplurals=1)
            pairs += [(ids[-1], strs[0])]
    return pairs


def _extracted() -> set:
    """The msgids marked in the code right now (what `python -m autograder.i18n update` finds)."""
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for source in workflow.SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(source), method_map, options_map):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def _fields(text: str) -> list[str]:
    """The replacement fields of a str.format template, as written ({key!r}, {kept:.3f})."""
    fields = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            fields.append(name + (f"!{conversion}" if conversion else "")
                          + (f":{spec}" if spec else ""))
    return sorted(fields)


def test_every_marked_message_has_a_japanese_translation():
    """No message of the code falls back to English in a Japanese run: each msgid extracted
    from the code right now is in the .po, translated and not fuzzy."""
    catalog = {(m.id if isinstance(m.id, str) else tuple(m.id)): m for m in _catalog() if m.id}
    extracted = _extracted()
    assert len(extracted) > 150
    missing = sorted(map(str, extracted - set(catalog)))
    assert not missing, f"not in {PO.name}; run `python -m autograder.i18n update`: {missing}"
    untranslated = sorted(str(k) for k in extracted if catalog[k].fuzzy or not all(
        catalog[k].string if isinstance(catalog[k].string, tuple) else [catalog[k].string]))
    assert not untranslated, f"untranslated or fuzzy in {PO.name}: {untranslated}"
    obsolete = sorted(map(str, set(catalog) - extracted))
    assert not obsolete, f"in {PO.name} but no longer in the code: {obsolete}"


def test_translations_have_exactly_the_placeholders_of_their_msgid():
    wrong = [(msgid, msgstr) for msgid, msgstr in _pairs() if _fields(msgid) != _fields(msgstr)]
    assert not wrong, wrong


def test_translations_are_japanese():
    """A copied English msgid is a missed translation (short labels included)."""
    english = [msgid for msgid, msgstr in _pairs() if not JAPANESE.search(msgstr)]
    assert not english, english


def test_compiled_catalog_is_the_po_compiled():
    """A stale .mo (the .po edited, `python -m autograder.i18n compile` not run) fails here."""
    mo = PO.with_suffix(".mo")
    assert mo.read_bytes() == workflow.mo_bytes(PO), "run `python -m autograder.i18n compile`"
    assert workflow.problems() == []


def test_the_po_compiles_and_loads_through_gettext():
    ja = translator("ja")
    for msgid, msgstr in _pairs()[:40]:
        if "\n" not in msgid:
            assert ja.gettext(msgid) in (msgstr, msgid) and ja.gettext(msgid)
    assert ja.gettext("Hint:") == "ヒント:"


def _terms() -> list[tuple[str, dict]]:
    return sorted(GLOSSARY["terms"].items(), key=lambda kv: -len(kv[0]))


def test_glossary_is_respected():
    """Wherever a source message holds a glossary term (longest terms first: "hidden layer"
    before "layer"), its translation uses the book's Japanese term and none of the renderings
    to avoid."""
    problems = []
    for msgid, msgstr in _pairs():
        text = msgid
        for term, entry in _terms():
            # A term as a word (plural too; "two layers" is "two-layer"), not inside an
            # identifier such as dropout_ratio.
            words = re.escape(term).replace(r"\-", "[- ]").replace(r"\ ", "[- ]")
            pattern = re.compile(rf"(?<![\w.]){words}(e?s)?(?![\w(])", re.IGNORECASE)
            if pattern.search(text):
                if entry["ja"] not in msgstr:
                    problems.append(f"{term!r} -> {entry['ja']!r} missing in {msgstr!r}")
                text = pattern.sub(" ", text)
            problems += [f"{bad!r} (avoid for {term!r}) in {msgstr!r}"
                         for bad in entry.get("avoid", ()) if bad in msgstr]
    assert not problems, "\n".join(problems)


def test_glossary_terms_are_in_the_catalog():
    """The check above is not vacuous: the catalog exercises the book's central terms."""
    used = {term for term, _entry in _terms() for msgid, _s in _pairs()
            if re.search(rf"\b{re.escape(term)}", msgid, re.IGNORECASE)}
    assert {"gradient", "bias", "layer", "derivative", "learning rate", "mean squared error",
            "identity function", "pre-activation", "in place", "one-hot"} <= used


def test_language_is_per_context_and_per_thread():
    assert _("Hint:") in ("Hint:", "ヒント:")
    with using("ja"):
        assert _("Hint:") == "ヒント:"
        with using("en"):
            assert _("Hint:") == "Hint:"
        assert active() == "ja"
    seen: dict[str, list[str]] = {"en": [], "ja": []}
    barrier = threading.Barrier(2)

    def worker(lang: str) -> None:
        with using(lang):
            for _i in range(200):
                barrier.wait() if _i == 0 else None
                seen[lang].append(_("Hint:"))

    threads = [threading.Thread(target=worker, args=(lang,)) for lang in ("en", "ja")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(seen["en"]) == {"Hint:"} and set(seen["ja"]) == {"ヒント:"}


def test_resolve_order():
    assert language.resolve("ja", {"SCRATCHGRAD_LANG": "en", "LANG": "en_US.UTF-8"}) == "ja"
    assert language.resolve(None, {"SCRATCHGRAD_LANG": "ja", "LANG": "en_US.UTF-8"}) == "ja"
    assert language.resolve(None, {"LANG": "ja_JP.UTF-8"}) == "ja"
    assert language.resolve(None, {"LANG": "fr_FR.UTF-8"}) == "en"
    with pytest.raises(language.UnknownLanguage):
        language.resolve("fr", {})


def _ja_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", language.ENV)}
    env["LANG"] = "ja_JP.UTF-8"
    return env


def test_selfcheck_with_a_japanese_locale_prints_japanese_messages_and_hints(tmp_path):
    """`LANG=ja_JP.UTF-8 pytest assignments/02_forward` on a notebook of the current English
    release that records lang ja, one unit with a classic mistake: Japanese messages, hints."""
    import subprocess
    import sys

    folder = copy_release(tmp_path / "assignments") / "02_forward"
    mistake = next(m for m in catalogue() if m.name == "step_at_zero")
    nb = student_notebook("02_forward", [mistake])
    nb.setdefault("metadata", {})["scratchgrad"] = {"lang": "ja"}
    write_notebook(nb, folder / "forward.ipynb")
    report = tmp_path / "report.xml"
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p",
                           "no:randomly", str(folder), f"--junitxml={report}", "-q"],
                          check=False, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env=_ja_env())
    text = report.read_text(encoding="utf-8")
    assert "ヒント: ステップ関数は x &gt; 0 のときだけ 1 です" in text, done.stdout[-3000:]
    assert "期待した値は" in text
    assert "Hint:" not in text and "expected" not in text


def _result(student: str, lang: str, message: str = "") -> AssignmentResult:
    return AssignmentResult(student, "02_forward", [
        CheckResult("softmax_rows_of_a_batch", "softmax", 0.0, 2.0, "failed", message),
        CheckResult("relu_matches_reference", "relu", 1.0, 1.0, "passed")], lang=lang)


def test_feedback_html_declares_its_language_and_keeps_japanese_names():
    with using("ja"):
        message = _("{message}\nHint: {hint}").format(message="softmax: x", hint="行ごとに")
    page = feedback_html(_result("山田太郎", "ja", message))
    assert '<html lang="ja">' in page and '<meta charset="utf-8">' in page
    assert "山田太郎" in page and "不合格" in page and "ユニット" in page
    assert "バッチの各行に対する softmax" in page  # the check's title, from curriculum.toml
    assert '<span class="hint"><b>ヒント:</b> 行ごとに</span>' in page
    english = feedback_html(_result("山田太郎", "en", "softmax: x\nHint: rows"))
    assert '<html lang="en">' in english and "failed" in english and "不合格" not in english


def test_grades_csv_with_japanese_names_round_trips_with_the_bom(tmp_path):
    path = tmp_path / "grades.csv"
    results = [_result("山田太郎", "ja"), _result("佐藤 花子", "ja"), _result("smith", "en")]
    write_grades_csv(results, path, bom=True)
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "student_id"  # no BOM glued to the first header
    assert {r[0] for r in rows[1:]} == {"山田太郎", "佐藤 花子", "smith"}
    # A later run merges into it (keeping the BOM when asked, dropping it when not).
    write_grades_csv([_result("鈴木", "ja")], path, bom=True)
    assert {r[0] for r in read_grades_csv(path)} == {"山田太郎", "佐藤 花子", "smith", "鈴木"}
    assert path.read_bytes().count(codecs.BOM_UTF8) == 1
    write_grades_csv([], path)
    assert not path.read_bytes().startswith(codecs.BOM_UTF8)
    assert len(read_grades_csv(path)) == 4


def test_csv_bom_by_default_in_japanese_runs():
    from autograder.cli import build_parser, csv_bom

    parser = build_parser()
    with using("ja"):
        assert csv_bom(parser.parse_args(["grade", "s", "--out", "o"]))
        assert not csv_bom(parser.parse_args(["grade", "s", "--out", "o", "--no-csv-bom"]))
    with using("en"):
        assert not csv_bom(parser.parse_args(["grade", "s", "--out", "o"]))
        assert csv_bom(parser.parse_args(["grade", "s", "--out", "o", "--csv-bom"]))
    assert parser.parse_args(["demo", "--lang", "ja_JP.UTF-8"]).lang == "ja"
    assert parser.parse_args(["course", "check", "c", "--lang", "en"]).lang == "en"
    assert isinstance(parser.parse_args(["release", "--lang", "ja"]), argparse.Namespace)


def test_cli_errors_in_the_chosen_language(tmp_path, capsys):
    from autograder.cli import main

    assert main(["grade", str(tmp_path), "--lang", "ja"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("scratchgrad: エラー: grade には SUBMISSIONS と --out OUT"), err
    with pytest.raises(SystemExit):
        main(["grade", str(tmp_path), "--lang", "fr"])
    assert "unknown language 'fr'" in capsys.readouterr().err


def test_grade_table_aligns_japanese_names():
    table = grade_table([_result("山田太郎", "ja"), _result("smith", "en")])
    lines = table.splitlines()
    # 山田太郎 is 4 characters that take 8 columns: the next column starts where smith's does.
    ja, en = lines[2], lines[3]
    assert width(ja[:ja.index("1/3")]) == width(en[:en.index("1/3")]) == 10


def test_same_code_in_an_english_and_a_japanese_notebook_scores_the_same(tmp_path):
    """Three mistakes in 02_forward, once in a notebook recording en and once ja, graded in one
    class: identical scores and statuses, each notebook's messages in its own language."""
    mistakes = [m for m in catalogue() if m.name in ("step_at_zero", "softmax_global_max",
                                                     "relu_in_place")]
    assert len(mistakes) >= 2
    write_student(tmp_path, "english", "02_forward", mistakes)
    path = write_student(tmp_path, "日本語の学生", "02_forward", mistakes)
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb.setdefault("metadata", {})["scratchgrad"] = {"lang": "ja"}
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    # What the sandbox's worker says (a unit the notebook does not define) is Japanese too.
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"]).replace("def relu(", "def rel_u(")
    renamed = tmp_path / "名前なし" / path.parent.name / path.name
    renamed.parent.mkdir(parents=True)
    renamed.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    results = grade(tmp_path, ["02_forward"], jobs=2)
    relu = [c.message for c in results[("名前なし", "02_forward")].checks if c.unit == "relu"]
    assert relu and all("relu が forward.ipynb で定義されていません" in m for m in relu), relu
    en, ja = results[("english", "02_forward")], results[("日本語の学生", "02_forward")]
    assert (en.lang, ja.lang) == ("en", "ja")
    assert [(c.id, c.score, c.status) for c in en.checks] == \
        [(c.id, c.score, c.status) for c in ja.checks]
    failed = [(e, j) for e, j in zip(en.checks, ja.checks) if e.status != "passed"]
    assert len(failed) >= 2
    for e, j in failed:
        assert not JAPANESE.search(e.message), e.message
        assert JAPANESE.search(j.message), j.message
    assert any("Hint:" in e.message for e, _j in failed)
    assert any("ヒント:" in j.message for _e, j in failed)
    assert '<html lang="ja">' in feedback_html(ja)
    assert json.loads(json.dumps(ja.to_dict(), ensure_ascii=False))["student_id"] == "日本語の学生"


def test_the_sandbox_catalog_holds_only_the_student_side_messages():
    """The worker's catalog (the only one in the sandbox) has the messages of the code the
    sandbox holds, and none of the hidden checks' descriptions."""
    import gettext

    public = set(gettext.GNUTranslations(workflow.public_mo("ja").open("rb"))._catalog) - {""}
    hidden = set()
    for file in (ROOT / "autograder/hidden").glob("test_*.py"):
        with file.open("rb") as f:
            from babel.messages.extract import extract
            hidden |= {m for _l, m, _c, _x in extract("python", f) if isinstance(m, str)}
    assert "{name} is not defined in {notebook}" in public
    assert "{unit}: not implemented yet" in public
    # The public tests' messages too: the students' package has no other catalog.
    from babel.messages.extract import extract as extract_python

    shown = set()
    for file in workflow.public_tests():
        with file.open("rb") as f:
            shown |= {m for _l, m, _c, _x in extract_python("python", f) if isinstance(m, str)}
    assert len(shown) > 20 and shown <= public, sorted(shown - public)[:5]
    only_hidden = hidden - {m for m in workflow.public_messages() if isinstance(m, str)}
    assert only_hidden and not public & only_hidden
    assert public <= {m for m in workflow.public_messages() if isinstance(m, str)}


def test_locale_folder_holds_only_supported_languages():
    langs = {p.name for p in LOCALE_DIR.iterdir() if p.is_dir()}
    assert langs == set(language.SUPPORTED) - {language.SOURCE}


def test_catalog_header_is_utf8():
    header = io.BytesIO(PO.read_bytes()).read().decode("utf-8")
    assert "charset=utf-8" in header.lower()


def test_japanese_names_survive_nbgrader_gradebook_and_the_unit_export(tmp_path):
    """nbgrader's database keeps Japanese names and ids; the kit's export writes them, with
    a BOM in a Japanese run."""
    from nbgrader.api import Gradebook

    from autograder.course.export import UnitScoresExportPlugin

    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(db) as gb:
        gb.add_student("学生一", last_name="山田", first_name="太郎")
        gb.add_assignment("02_forward")
    with Gradebook(db) as gb:
        student = gb.find_student("学生一")
        assert (student.last_name, student.first_name) == ("山田", "太郎")
        dest = tmp_path / "export.csv"
        with using("ja"):
            UnitScoresExportPlugin(to=str(dest)).export(gb)
    raw = dest.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    with dest.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert (rows[0]["student_id"], rows[0]["last_name"], rows[0]["first_name"]) == \
        ("学生一", "山田", "太郎")


def test_nbgrader_test_cells_get_the_feedback_in_the_notebooks_language(tmp_path):
    """What `scratchgrad grade --course` writes into each unit's test cell (and nbgrader's
    generate_feedback shows): in the language the student's notebook records."""
    import nbformat

    from autograder.course.gradebook import ApplyScores

    with using("ja"):
        message = _("{message}\nHint: {hint}").format(message="softmax: x", hint="行ごとに")
    record = _result("学生一", "ja", message).to_dict()
    record["assignment"] = "02_forward"
    (tmp_path / "学生一").mkdir()
    (tmp_path / "学生一" / "02_forward.json").write_text(json.dumps(record, ensure_ascii=False),
                                                       encoding="utf-8")
    nb = nbformat.read(ROOT / "solutions/02_forward/forward.ipynb", as_version=4)
    resources = {"nbgrader": {"student": "学生一", "assignment": "02_forward"}}
    nb, _resources = ApplyScores(reports=str(tmp_path)).preprocess(nb, resources)
    texts = {c.metadata["nbgrader"]["grade_id"]: c.outputs[0]["text"] for c in nb.cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
             and c.outputs}
    assert texts["check_softmax"].startswith("softmax: 0 / 2 点\n✘ バッチの各行に対する softmax: "
                                             "0 / 2 (不合格)\n"), texts["check_softmax"]
    assert "ヒント: 行ごとに" in texts["check_softmax"]
    assert texts["check_relu"].startswith("relu: 1 / 1 点")


def test_every_hint_is_translated():
    """A hint added to selfcheck/hints.py without N_() would reach Japanese learners in
    English: every hint text is in the catalog."""
    from autograder.selfcheck.hints import SOURCE

    ja = translator("ja")
    untranslated = [name for name, text in SOURCE.items() if ja.gettext(text) == text]
    assert not untranslated, f"hints missing from {PO.name} (wrap them in N_()): {untranslated}"


_MESSAGE_CALLS = {"that", "fail", "array_close", "number_close", "equal", "unchanged",
                  "expect_gradient", "expect_gradient_at", "CheckFailed"}


def _prose(text: str) -> bool:
    """Words a student reads, not code: a space outside brackets and an English word."""
    bare = text
    for _i in range(5):
        bare = re.sub(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}", "", bare)
    return " " in bare.strip() and bool(re.search(r"(?<![\w.])[A-Za-z]{2,}(?![\w.(])", bare))


def test_checks_mark_their_messages_for_translation():
    """Every message a hidden or public check writes (what=, hint=, the text of expect.that)
    goes through _(): an f-string or a plain English string there is English in a Japanese
    run. Code such as "softmax(x)" needs no translation."""
    import ast

    files = [*(ROOT / "autograder/hidden").glob("test_*.py"),
             *(ROOT / "solutions").glob("*/test_*.py")]
    unmarked = []
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            args = [a for a in node.args[1:] if name in _MESSAGE_CALLS]
            args += [k.value for k in node.keywords if k.arg in ("what", "hint", "message")]
            for arg in args:
                if isinstance(arg, ast.JoinedStr):  # its text, the values as {}
                    text = "".join(v.value if isinstance(v, ast.Constant) else "{}"
                                   for v in arg.values)
                elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    text = arg.value
                else:
                    continue
                if _prose(text):
                    unmarked.append(f"{file.relative_to(ROOT)}:{arg.lineno}: {text!r}")
    assert not unmarked, unmarked
