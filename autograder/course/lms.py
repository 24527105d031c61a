"""Who handed in each file of an LMS's submissions download, for `nbgrader zip_collect`.

nbgrader gives each extracted file to the student whose id a regex finds in the file's path.
Matched anywhere in the path, that let a student upload `x_1003_..._forward.ipynb`, or a zip
of such files, and have it graded as student 1003's; a broken zip inside the download also
stopped `zip_collect` for the whole class. So the rules here read the id only from the one
place the LMS writes it, at the top level of the download, and nowhere else:

- Canvas ("Download Submissions"): `<name>[_LATE]_<user id>_<attachment id>_<file>`, one flat
  file per upload; a file re-uploaded under the same name gets `-1`, `-2` before its
  extension. `<name>` is the sortable name with Canvas's punctuation removed (it may hold
  underscores, accents, Japanese); the ids are numbers.
- Moodle ("Download all submissions"): `<Full Name>_<participant id>_assignsubmission_file_<file>`
  (flat), or a folder `<Full Name>_<participant id>_assignsubmission_file_/` holding the files.

"The top level" is `downloaded/<assignment>/extracted/` itself or, when the download was put in
`archive/` as a zip, the folder nbgrader extracts it into. A file anywhere deeper (inside a
folder, or inside a zip a student uploaded, which is never even opened) is never given to the
id its own name claims: it is skipped, with the uploader named in the reason. So is a name in
which an id can be read at two places that disagree
(`mallory_1002_555_x_1003_999_forward.ipynb`): the file part is the student's to choose, and
on Canvas, where users may be allowed to edit their names, the name part can be too, so
neither reading is trusted over the other. Ids are ASCII digits (and every id must match
SAFE_ID), so an id never holds `..`, a newline or a slash. Every skipped file gets a one-line
reason (`Skip.reason`). Not supported: Canvas's anonymous downloads (`anon_<id>`, not a user
id: skipped) and Moodle's team submissions (their folder holds a group id, which would be read
as a participant id).

The nbgrader plugins that apply these rules are in collector.py; `scratchgrad course init
--lms NAME` selects them and one of the FORMATS below in nbgrader_config.py.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# What any student id must be: it names a folder under submitted/ and a gradebook row.
SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# File endings of archives: a student's archive is never opened, and the message says so.
ARCHIVE_EXTENSIONS = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar")

# Instructor-facing messages: whole sentences with named placeholders, for translation.
MESSAGES: dict[str, str] = {
    "skipped": "Skipped {path}: {reason}",
    "not_opened": "Not opening {path}: its name reads as a file that student {student_id} "
                  "uploaded, and archives that students upload are never opened; if it is the "
                  "LMS's download, rename it (to submissions.zip, for example).",
    "control": "its name holds a control character.",
    "not_notebook": "it is not a notebook.",
    "archive": "it is an archive a student uploaded, and such archives are never opened; ask "
               "the student to upload the notebook itself.",
    "form": "its name is not in {lms}'s form {form}.",
    "folder": "it is in a folder that {lms} does not make; only the top level of the download "
              "is read.",
    "nested": "it is inside what student {student_id} uploaded, and only files that {lms} "
              "names itself are collected.",
    "ambiguous": "its name can be read as the upload of more than one student ({ids}), so it "
                 "is given to none of them.",
    "anonymous": "it comes from an anonymous download, whose ids are not {lms} user ids.",
    "older": "student {student_id} handed in a later copy of {file}: {later}.",
    "tie": "student {student_id} handed in {count} copies of {file} and nothing tells which "
           "is the latest.",
}


@dataclass(frozen=True)
class LmsFormat:
    """How one LMS names the files of its submissions download."""

    title: str
    student_ids: str  # what nbgrader's student ids must be for the ids to match
    form: str  # the names, as the instructor reads them in messages and nbgrader_config.py
    # Tried at every position of a name: `_<student_id>_...<file>` up to its end. Groups:
    # student_id, file, and optionally order (a number that grows with each upload).
    reading: re.Pattern[str]
    folders: bool = False  # an empty <file> names a folder that holds the submitted files
    resubmission: re.Pattern[str] | None = None  # the counter added to a repeated file name
    late: re.Pattern[str] | None = None  # a <name> the LMS marked as handed in after the due date
    anonymous: re.Pattern[str] | None = None  # the <name> of anonymous downloads


FORMATS: dict[str, LmsFormat] = {
    # Canvas's ContentZipper: "#{sortable name}[_LATE]_#{user id}_#{attachment id}_#{file}",
    # the name stripped of non-word characters; anonymous grading writes "anon_<anonymous id>".
    "canvas": LmsFormat(
        title="Canvas",
        student_ids="the Canvas user id (the 'ID' column of Canvas's gradebook export)",
        form="<name>[_LATE]_<user id>_<attachment id>_<file>[-N].ipynb",
        reading=re.compile(r"(?=_(?P<student_id>[0-9]+)_(?P<order>[0-9]+)_(?P<file>.+)\Z)",
                           re.DOTALL),
        resubmission=re.compile(r"-(?P<n>[0-9]+)(?=\.[^.]*\Z)"),
        anonymous=re.compile(r"(?:LATE_)?anon"),
        late=re.compile(r"(?:\A|_)LATE\Z"),
    ),
    # Moodle's assign download: clean_filename(<full name>_<participant id>) + "_" + plugin
    # + "_" + file (flat), or that prefix + "/" + file (one folder per submission). Its names
    # carry no lateness: Moodle keeps that in its own grading table, not in the download.
    "moodle": LmsFormat(
        title="Moodle",
        student_ids="the Moodle participant id (the number in the downloaded file names)",
        form="<Full Name>_<participant id>_assignsubmission_file_<file>.ipynb, or the folder "
             "<Full Name>_<participant id>_assignsubmission_file_/ holding <file>.ipynb",
        reading=re.compile(
            r"(?=_(?P<student_id>[0-9]+)_assignsubmission_file_(?P<file>.*)\Z)", re.DOTALL),
        folders=True,
    ),
}


@dataclass(frozen=True)
class Reading:
    """One way to read an LMS name: who uploaded it and what they called the file."""

    name: str
    student_id: str
    file: str  # "" for a Moodle submission folder
    order: tuple[int, ...]


@dataclass(frozen=True)
class Take:
    """Collect the file for student_id as file_id (nbgrader's notebook name)."""

    student_id: str
    file_id: str
    order: tuple[int, ...] = ()
    late: bool = False  # the LMS marked it as handed in after the due date


@dataclass(frozen=True)
class Skip:
    """Leave the file out; `reason` says why in one sentence."""

    key: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return MESSAGES[self.key].format(**self.params)


def readings(fmt: LmsFormat, entry: str) -> list[Reading]:
    """Every way `entry` (one path component) reads as an upload, leftmost first.

    All of them, not the first or the last: a caller that finds two different ids knows the
    name was crafted (or is too odd to trust) and gives the file to nobody.
    """
    found = []
    for m in fmt.reading.finditer(entry):
        student_id = m["student_id"]
        if not SAFE_ID.fullmatch(student_id):
            continue
        order = (int(m["order"]),) if "order" in fmt.reading.groupindex else ()
        found.append(Reading(entry[:m.start()], student_id, m["file"], order))
    return found


def printable(path: str) -> str:
    """path with its control characters escaped, so that the line about it stays one line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), path)


def read_path(fmt: LmsFormat, parts: Sequence[str],
              valid_ext: Iterable[str] = (".ipynb",)) -> Take | Skip:
    """Whose file this is, from its path relative to zip_collect's extracted/ folder.

    parts[0] may be the folder nbgrader extracted the download into (a folder whose name
    does not read as an upload); after it, the LMS's top level is the only place read.
    """
    params: dict[str, object] = {"lms": fmt.title, "form": fmt.form}
    if any(_CONTROL.search(part) for part in parts):
        return Skip("control")
    ext = os.path.splitext(parts[-1])[1]
    if ext not in tuple(valid_ext):
        return Skip("archive" if parts[-1].lower().endswith(ARCHIVE_EXTENSIONS)
                    else "not_notebook")
    if len(parts) > 1 and not readings(fmt, parts[0]):
        parts = parts[1:]  # the download's own folder
    found = readings(fmt, parts[0])
    if not found:
        return Skip("folder" if len(parts) > 1 else "form", params)
    ids = list(dict.fromkeys(r.student_id for r in found))
    if len(ids) > 1:
        return Skip("ambiguous", {"ids": ", ".join(ids)})
    first = found[0]
    if fmt.anonymous is not None and fmt.anonymous.fullmatch(first.name):
        return Skip("anonymous", params)
    if len(parts) == 1 and first.file:
        return _take(fmt, first)
    if len(parts) == 2 and fmt.folders and not first.file:
        return Take(first.student_id, parts[1])
    if len(parts) == 1:
        return Skip("form", params)
    return Skip("nested", {**params, "student_id": first.student_id})


def _take(fmt: LmsFormat, reading: Reading) -> Take:
    late = bool(fmt.late and fmt.late.search(reading.name))
    if fmt.resubmission is None:
        return Take(reading.student_id, reading.file, reading.order, late)
    file, count = reading.file, 0
    if m := fmt.resubmission.search(file):
        file, count = file[:m.start()] + file[m.end():], int(m["n"])
    return Take(reading.student_id, file, reading.order + (count,), late)


def plan(fmt: LmsFormat, paths: Iterable[Sequence[str]],
         valid_ext: Iterable[str] = (".ipynb",)) -> dict[tuple[str, ...], Take | Skip]:
    """Take or Skip for every extracted file, at most one file per student and notebook.

    nbgrader stops the whole collection at a second file for the same student and notebook
    (it has no timestamps to choose by), so a student who uploads forward.ipynb twice would
    stop everyone's. The latest upload is kept (Canvas numbers them); when nothing tells
    which is the latest, none is. Names are compared case-insensitively because on a
    case-insensitive disk Forward.ipynb would overwrite forward.ipynb, which also stops it.
    """
    valid = tuple(valid_ext)
    decisions = {tuple(p): read_path(fmt, p, valid) for p in paths}
    copies: dict[tuple[str, str], dict[tuple[str, ...], Take]] = defaultdict(dict)
    for path, decision in decisions.items():
        if isinstance(decision, Take):
            copies[(decision.student_id, decision.file_id.casefold())][path] = decision
    for takes in copies.values():
        if len(takes) == 1:
            continue
        latest_order = max(t.order for t in takes.values())
        latest = sorted(p for p, t in takes.items() if t.order == latest_order)
        for path, take in takes.items():
            about = {"student_id": take.student_id, "file": take.file_id}
            if path not in latest:
                decisions[path] = Skip("older", {**about, "later": "/".join(latest[-1])})
            elif len(latest) > 1:
                decisions[path] = Skip("tie", {**about, "count": len(latest)})
    return decisions
