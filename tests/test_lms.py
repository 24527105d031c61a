"""LMS downloads: a file goes only to the student the LMS says uploaded it.

The unit tests read paths (relative to zip_collect's extracted/ folder) with the rules of
autograder/course/lms.py; the end-to-end tests run the real `nbgrader zip_collect` in a course
made by `scratchgrad course init --lms ...`, with HOME and the Jupyter folders inside the
test's tmp folder so that nothing is written to the real home.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import warmcli

from autograder.course.lms import FORMATS, MESSAGES, Skip, Take, plan, printable, read_path

CANVAS, MOODLE = FORMATS["canvas"], FORMATS["moodle"]
UPLOADER, VICTIM = "1002", "1003"


def read(lms: str, *parts: str) -> Take | Skip:
    return read_path(FORMATS[lms], parts)


# --- honest uploads ---------------------------------------------------------------------

HONEST = [
    ("canvas", ("tanakaaiko_1001_555_forward.ipynb",)),
    ("canvas", ("submissions", "tanakaaiko_1001_555_forward.ipynb")),  # the download's folder
    ("canvas", ("dlfs-02_forward_submissions", "tanakaaiko_1001_555_forward.ipynb")),
    ("canvas", ("田中_愛子_1001_555_forward.ipynb",)),  # underscores and Japanese in the name
    ("canvas", ("élodie_müller_1001_555_forward.ipynb",)),
    ("canvas", ("tanakaaiko_LATE_1001_555_forward.ipynb",)),
    ("canvas", ("tanakaaiko_1001_556_forward-1.ipynb",)),  # a re-submission
    ("canvas", ("tanakaaiko_1001_556_forward-12.ipynb",)),
    ("moodle", ("Aiko Tanaka_1001_assignsubmission_file_forward.ipynb",)),  # flat
    ("moodle", ("Aiko Tanaka_1001_assignsubmission_file_", "forward.ipynb")),  # in folders
    ("moodle", ("dlfs-Forward-42", "Aiko Tanaka_1001_assignsubmission_file_", "forward.ipynb")),
    ("moodle", ("dlfs-Forward-42", "Aiko Tanaka_1001_assignsubmission_file_forward.ipynb")),
    ("moodle", ("田中 愛子_1001_assignsubmission_file_forward.ipynb",)),
    ("moodle", ("Aiko_Tanaka_1001_assignsubmission_file_forward.ipynb",)),  # underscores
    ("moodle", ("José Müller-Ñúñez_1001_assignsubmission_file_", "forward.ipynb")),
]


@pytest.mark.parametrize(("lms", "parts"), HONEST)
def test_an_honest_upload_goes_to_its_uploader_as_the_released_notebook(lms, parts):
    result = read(lms, *parts)
    assert isinstance(result, Take), result.reason
    assert (result.student_id, result.file_id) == ("1001", "forward.ipynb")


def test_the_file_part_keeps_its_underscores_and_spaces():
    assert read("canvas", "aiko_1001_555_my forward_v2.ipynb").file_id == "my forward_v2.ipynb"
    assert read("moodle", "A_1001_assignsubmission_file_", "f_1.ipynb").file_id == "f_1.ipynb"


# --- hostile and malformed names ---------------------------------------------------------

HOSTILE = [
    # another student's id in the part of the name the student chose
    ("canvas", ("mallory_1002_555_x_1003_999_forward.ipynb",), "ambiguous"),
    ("canvas", ("submissions", "mallory_1002_555_x_1003_999_forward.ipynb"), "ambiguous"),
    # ... or in a display name the student chose (Canvas keeps underscores in names)
    ("canvas", ("x_1003_999_1002_555_forward.ipynb",), "ambiguous"),
    # a zip's content, if anything ever extracts it, or a folder inside the download
    ("canvas", ("submissions", "mallory_1002_555_evil", "x_1003_999_forward.ipynb"), "nested"),
    ("canvas", ("mallory_1002_555_evil", "x_1003_999_forward.ipynb"), "nested"),
    ("canvas", ("submissions", "inner", "x_1003_999_forward.ipynb"), "folder"),
    ("canvas", ("submissions", "mallory_1002_555_evil.zip"), "archive"),
    ("canvas", ("mallory_1002_555_evil.tar.gz",), "archive"),
    # ids that are not ids
    ("canvas", ("mallory_.._555_forward.ipynb",), "form"),
    ("canvas", ("mallory_1002_.._forward.ipynb",), "form"),
    ("canvas", ("mallory_10\n03_555_forward.ipynb",), "control"),
    ("canvas", ("mallory_1003\n_555_forward.ipynb",), "control"),
    ("canvas", ("mallory_1003_555_forward.ipynb\n",), "control"),
    ("canvas", ("mallory_10", "03_555_forward.ipynb"), "form"),  # an id cut by a slash
    ("canvas", ("submissions", "mallory_10", "03_555_forward.ipynb"), "folder"),
    ("canvas", ("mallory_１００３_555_forward.ipynb",), "form"),  # full-width digits
    ("canvas", ("mallory_1003_forward.ipynb",), "form"),
    ("canvas", ("forward.ipynb",), "form"),
    ("canvas", ("anon_12345_555_forward.ipynb",), "anonymous"),  # not a user id
    ("canvas", ("LATE_anon_12345_555_forward.ipynb",), "anonymous"),
    ("canvas", ("tanakaaiko_1001_555_notes.txt",), "not_notebook"),
    ("moodle", ("Mallory_1002_assignsubmission_file_x_1003_assignsubmission_file_f.ipynb",),
     "ambiguous"),
    ("moodle", ("X_1003_assignsubmission_file_ Mallory_1002_assignsubmission_file_f.ipynb",),
     "ambiguous"),
    ("moodle", ("Mallory_1002_assignsubmission_file_", "sub",
                "Bob_1003_assignsubmission_file_forward.ipynb"), "nested"),
    ("moodle", ("Mallory_1002_assignsubmission_file_evil",  # a flat upload, extracted
                "Bob_1003_assignsubmission_file_forward.ipynb"), "nested"),
    ("moodle", ("dl", "Mallory_1002_assignsubmission_file_", "sub", "forward.ipynb"), "nested"),
    ("moodle", ("dl", "inner", "Bob_1003_assignsubmission_file_forward.ipynb"), "folder"),
    ("moodle", ("Mallory_1002_assignsubmission_file_", "evil.zip"), "archive"),
    ("moodle", ("Mallory_.._assignsubmission_file_forward.ipynb",), "form"),
    ("moodle", ("Mallory_10\n03_assignsubmission_file_forward.ipynb",), "control"),
    ("moodle", ("Mallory_10", "03_assignsubmission_file_forward.ipynb"), "form"),
    ("moodle", ("Mallory_1002_assignsubmission_onlinetext_x.ipynb",), "form"),
    ("moodle", ("Aiko_1001_assignsubmission_onlinetext_onlinetext.html",), "not_notebook"),
    ("moodle", ("tanakaaiko_1001_555_forward.ipynb",), "form"),  # a Canvas name
]


@pytest.mark.parametrize(("lms", "parts", "key"), HOSTILE)
def test_a_hostile_or_malformed_name_is_skipped_with_a_one_line_reason(lms, parts, key):
    result = read(lms, *parts)
    assert isinstance(result, Skip) and result.key == key, result
    line = MESSAGES["skipped"].format(path=printable("/".join(parts)), reason=result.reason)
    assert "\n" not in line and line.endswith(".")


def test_a_file_in_a_moodle_folder_keeps_its_uploader_whatever_it_is_called():
    result = read("moodle", "Mallory_1002_assignsubmission_file_",
                  "Bob_1003_assignsubmission_file_forward.ipynb")
    assert result == Take(UPLOADER, "Bob_1003_assignsubmission_file_forward.ipynb")


def _attacks() -> list[tuple[str, tuple[str, ...]]]:
    """Names the uploader (1002) could get written, each with the victim's id (1003) somewhere."""
    files = ["forward.ipynb", "x_1003_999_forward.ipynb", "1003_999_forward.ipynb",
             "_1003_9_forward-1.ipynb", "x_1003_assignsubmission_file_forward.ipynb",
             "1003_assignsubmission_file_forward.ipynb", "_1003_assignsubmission_file_.ipynb"]
    names = ["mallory", "x_1003_999", "x_LATE_1003_999", "田中_1003", "", "1003",
             "x_1003_assignsubmission_file_", "x 1003"]
    cases = []
    for name in names:
        for file in files:
            canvas = f"{name}_{UPLOADER}_555_{file}"
            moodle = f"{name}_{UPLOADER}_assignsubmission_file_"
            for layout in [(canvas,), ("submissions", canvas), (canvas[:-6], file),
                           ("submissions", canvas[:-6], file)]:
                cases.append(("canvas", layout))
            for layout in [(moodle + file,), ("dl", moodle + file), (moodle, file),
                           ("dl", moodle, file), (moodle, "sub", file), (moodle + "x", file)]:
                cases.append(("moodle", layout))
    return cases


def test_no_name_an_uploader_can_get_written_gives_the_file_to_another_student():
    cases = _attacks()
    for lms, parts in cases:
        result = read(lms, *parts)
        assert isinstance(result, Skip) or result.student_id == UPLOADER, (lms, parts, result)
    taken = [p for lms, p in cases if isinstance(read(lms, *p), Take)]
    assert len(taken) > 20  # the honest halves of the matrix are still collected


# --- one file per student and notebook ---------------------------------------------------

def test_of_re_submitted_copies_the_latest_upload_is_kept():
    paths = [("s", "tanakaaiko_1001_555_forward.ipynb"), ("s", "tanakaaiko_1001_557_forward-1.ipynb"),
             ("s", "tanakaaiko_1001_556_forward-2.ipynb"), ("s", "tanakaaiko_1001_555_backprop.ipynb")]
    decisions = plan(CANVAS, paths)
    assert decisions[paths[1]] == Take("1001", "forward.ipynb", (557, 1))
    assert decisions[paths[3]] == Take("1001", "backprop.ipynb", (555, 0))
    for older in (paths[0], paths[2]):
        assert isinstance(decisions[older], Skip) and decisions[older].key == "older"
        assert "s/tanakaaiko_1001_557_forward-1.ipynb" in decisions[older].reason


def test_copies_that_nothing_orders_are_all_skipped_not_picked_at_random():
    paths = [("a", "aiko_1001_555_forward.ipynb"), ("b", "aiko_1001_555_forward.ipynb")]
    assert {d.key for d in plan(CANVAS, paths).values()} == {"tie"}
    paths = [("Aiko_1001_assignsubmission_file_forward.ipynb",),
             ("Aiko_1001_assignsubmission_file_", "forward.ipynb")]
    decisions = plan(MOODLE, paths)
    assert {d.key for d in decisions.values()} == {"tie"}
    assert "student 1001 handed in 2 copies of forward.ipynb" in decisions[paths[0]].reason


def test_copies_that_differ_only_in_case_count_as_one_notebook():
    paths = [("aiko_1001_555_Forward.ipynb",), ("aiko_1001_556_forward.ipynb",)]
    decisions = plan(CANVAS, paths)
    assert decisions[paths[1]] == Take("1001", "forward.ipynb", (556, 0))
    assert decisions[paths[0]].key == "older"


# --- the real `nbgrader zip_collect` -----------------------------------------------------

SCRIPTS = sysconfig.get_path("scripts")
pytestmark_nbgrader = pytest.mark.skipif(
    shutil.which("nbgrader", path=f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}") is None,
    reason="nbgrader's command line is not installed")


def private_env(tmp: Path) -> dict[str, str]:
    """nbgrader and Jupyter write only inside tmp: no real ~/.local, ~/.jupyter or config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    return {**env, "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
            "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
            "IPYTHONDIR": str(home / "ipython"), "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = warmcli.run(cmd, cwd=cwd, env=env, timeout=300)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def make_course(tmp: Path, lms: str) -> tuple[Path, dict[str, str]]:
    env = private_env(tmp)
    course = tmp / "dlfs"
    run([sys.executable, "-m", "autograder", "course", "init", str(course), "--lms", lms],
        cwd=tmp, env=env)
    release = course / "release" / "02_forward"  # zip_collect reads the notebook names here
    release.mkdir(parents=True)
    shutil.copy(course / "source" / "02_forward" / "forward.ipynb", release)
    (course / "downloaded" / "02_forward" / "archive").mkdir(parents=True)
    return course, env


def notebook(marker: str) -> bytes:
    return json.dumps({"cells": [], "metadata": {"marker": marker}, "nbformat": 4,
                       "nbformat_minor": 5}).encode()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def collected(course: Path) -> dict[str, dict[str, str]]:
    """{student: {notebook: marker}} from submitted/."""
    out: dict[str, dict[str, str]] = {}
    for nb in sorted((course / "submitted").glob("*/02_forward/*.ipynb")):
        marker = json.loads(nb.read_text(encoding="utf-8"))["metadata"]["marker"]
        out.setdefault(nb.parent.parent.name, {})[nb.name] = marker
    return out


def skipped_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "] Skipped " in line and ": " in line
            and "no match information" not in line]


# A valid zip that holds files claiming to be the victim's, and one that is not a zip at all.
CLAIMING_ZIP = zip_bytes({"x_1003_999_forward.ipynb": notebook("stolen"),
                          "forward.ipynb": notebook("inside a zip")})
BROKEN_ZIP = b"PK\x03\x04 this is not a zip file"


@pytestmark_nbgrader
def test_canvas_zip_collect_gives_each_file_to_its_uploader_only(tmp_path: Path):
    course, env = make_course(tmp_path, "canvas")
    archive = course / "downloaded" / "02_forward" / "archive"
    (archive / "dlfs-02_forward_submissions.zip").write_bytes(zip_bytes({
        "tanakaaiko_1001_555_forward.ipynb": notebook("1001"),
        "田中_愛子_LATE_1006_556_forward.ipynb": notebook("1006"),
        "mallory_1002_557_x_1003_999_forward.ipynb": notebook("stolen"),
        "mallory_1002_558_evil.zip": BROKEN_ZIP,
        "mallory_1002_559_work.zip": CLAIMING_ZIP,
        "bob_1004_560_forward.ipynb": notebook("1004 first"),
        "bob_1004_561_forward-1.ipynb": notebook("1004 again"),
        "eve_10\n03_562_forward.ipynb": notebook("stolen"),
        "eve_.._563_forward.ipynb": notebook("stolen"),
    }))
    # as if the instructor had unzipped part of a download into archive/ by hand
    (archive / "mallory_1002_564_loose.zip").write_bytes(CLAIMING_ZIP)
    (archive / "carol_1005_565_forward.ipynb").write_bytes(notebook("1005"))

    log = run(["nbgrader", "zip_collect", "02_forward"], cwd=course, env=env)

    assert collected(course) == {"1001": {"forward.ipynb": "1001"},
                                 "1004": {"forward.ipynb": "1004 again"},
                                 "1005": {"forward.ipynb": "1005"},
                                 "1006": {"forward.ipynb": "1006"}}
    extracted = course / "downloaded" / "02_forward" / "extracted"
    assert not [p for p in extracted.rglob("*") if p.is_dir() and "mallory" in p.name]
    assert "Not opening mallory_1002_564_loose.zip: its name reads as a file that student 1002" \
        in log
    reasons = "\n".join(skipped_lines(log))
    assert len(skipped_lines(log)) == 7, reasons
    for expected in ["x_1003_999_forward.ipynb: its name can be read as the upload of more",
                     "than one student (1002, 1003)",
                     "mallory_1002_558_evil.zip: it is an archive",
                     "mallory_1002_559_work.zip: it is an archive",
                     "mallory_1002_564_loose.zip: it is an archive",
                     "bob_1004_560_forward.ipynb: student 1004 handed in a later copy",
                     "eve_10\\n03_562_forward.ipynb: its name holds a control character.",
                     "eve_.._563_forward.ipynb: its name is not in Canvas's form"]:
        assert expected in reasons


@pytestmark_nbgrader
def test_moodle_zip_collect_gives_each_file_to_its_uploader_only(tmp_path: Path):
    course, env = make_course(tmp_path, "moodle")
    archive = course / "downloaded" / "02_forward" / "archive"
    (archive / "DLFS-Forward pass-42.zip").write_bytes(zip_bytes({  # "in folders"
        "Aiko Tanaka_1001_assignsubmission_file_/forward.ipynb": notebook("1001"),
        "田中 愛子_1006_assignsubmission_file_/forward.ipynb": notebook("1006"),
        "José Müller_1004_assignsubmission_file_/forward.ipynb": notebook("1004"),
        "Mallory_1002_assignsubmission_file_/evil.zip": BROKEN_ZIP,
        "Mallory_1002_assignsubmission_file_/work.zip": CLAIMING_ZIP,
        "Mallory_1002_assignsubmission_file_/sub/Bob_1003_assignsubmission_file_forward.ipynb":
            notebook("stolen"),
    }))
    (archive / "flat.zip").write_bytes(zip_bytes({  # a second download, flat
        "Carol_1005_assignsubmission_file_forward.ipynb": notebook("1005"),
        "Mallory_1002_assignsubmission_file_x_1003_assignsubmission_file_forward.ipynb":
            notebook("stolen"),
        "Eve_10\n03_assignsubmission_file_forward.ipynb": notebook("stolen"),
    }))

    log = run(["nbgrader", "zip_collect", "02_forward"], cwd=course, env=env)

    assert collected(course) == {"1001": {"forward.ipynb": "1001"},
                                 "1004": {"forward.ipynb": "1004"},
                                 "1005": {"forward.ipynb": "1005"},
                                 "1006": {"forward.ipynb": "1006"}}
    reasons = "\n".join(skipped_lines(log))
    assert len(skipped_lines(log)) == 5, reasons
    for expected in ["evil.zip: it is an archive", "work.zip: it is an archive",
                     "Bob_1003_assignsubmission_file_forward.ipynb: it is inside what",
                     "it is inside what student 1002 uploaded",
                     "(1002, 1003), so it is given to none of them.",
                     "Eve_10\\n03_assignsubmission_file_forward.ipynb: its name holds a control"]:
        assert expected in reasons


def test_course_init_selects_the_plugins_and_the_lms():
    from traitlets.config import Config

    from autograder.course.init import _config_text

    for lms in FORMATS:
        text = _config_text("dlfs", None, lms)
        c = Config()
        exec(text, {"get_config": lambda c=c: c})  # noqa: S102 - the text course init writes
        assert c.ZipCollectApp.collector_plugin.endswith(".collector.LmsCollectorPlugin")
        assert c.ZipCollectApp.extractor_plugin.endswith(".collector.LmsExtractorPlugin")
        assert c.LmsDownload.lms == lms
        assert "named_regexp" not in text
