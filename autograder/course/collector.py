"""nbgrader zip_collect plugins that give a file only to the student the LMS says uploaded it.

nbgrader's own collector matches one regex against each extracted file's absolute path, so
"the id the LMS wrote at the top level of the download" cannot be told from "an id a student
wrote into a file name, or into a file inside their zip". Its extractor also opens every
archive it finds, at any depth, and stops the whole collection at the first one that is not
a valid archive: one student's broken upload and nobody's notebook is collected. These two
plugins apply the rules of lms.py instead; `scratchgrad course init` selects them with

    c.ZipCollectApp.extractor_plugin = "autograder.course.collector.LmsExtractorPlugin"
    c.ZipCollectApp.collector_plugin = "autograder.course.collector.LmsCollectorPlugin"
    c.LmsDownload.lms = "canvas"   # or "moodle": a key of lms.FORMATS
"""

from __future__ import annotations

import datetime
import os
import shutil
import warnings

from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin
from nbgrader.utils import unzip
from traitlets import TraitError, Unicode, validate
from traitlets.config import LoggingConfigurable

from ..i18n.messages import N_, _
from . import lms as rules

# Instructor-facing messages: whole sentences with named placeholders, for translation.
MSG_LATE = N_("{lms} marked {path} as late: it is recorded as handed in one second after the due "
              "date ({timestamp}), so the course's late penalty applies.")
MSG_LATE_NO_DUEDATE = N_("{lms} marked {path} as late, but {assignment} has no due date in the "
                         "gradebook, so no late penalty can apply; set one with `nbgrader db "
                         "assignment add {assignment} --duedate=\"YYYY-MM-DD HH:MM:SS UTC\"` and "
                         "run `nbgrader zip_collect --force {assignment}` again.")
MSG_NOT_GENERATED = N_("{assignment} is not in the gradebook yet (nbgrader: \"No assignment with ID "
                       "'{assignment}' exists in the database\"), so late flags cannot be "
                       "turned into late penalties and grading will refuse it; run `nbgrader "
                       "generate_assignment {assignment}` and then `nbgrader zip_collect --force "
                       "{assignment}` again.")
MSG_NO_GRADEBOOK = N_("Cannot read the gradebook ({reason}), so late flags and student ids are "
                      "not checked.")
MSG_UNKNOWN_STUDENT = N_("{path} is from student {student_id}, who is not in the gradebook; it "
                         "is collected, and grading adds them without a name: add the name first "
                         "with `nbgrader db student add {student_id} --last-name NAME --first-name "
                         "NAME`, or remove submitted/{student_id} if they are not in the course.")


class LmsDownload(LoggingConfigurable):
    """The LMS whose download is collected; one setting shared by both plugins."""

    lms = Unicode("canvas", help="The LMS the submissions were downloaded from: "
                                 f"one of {', '.join(rules.FORMATS)}.").tag(config=True)

    @validate("lms")
    def _known_lms(self, proposal: dict) -> str:
        if proposal["value"] not in rules.FORMATS:
            raise TraitError(f"unknown LMS {proposal['value']!r}; "
                             f"known: {', '.join(rules.FORMATS)}")
        return proposal["value"]

    @property
    def format(self) -> rules.LmsFormat:
        return rules.FORMATS[self.lms]


class LmsExtractorPlugin(LmsDownload, ExtractorPlugin):
    """Open the instructor's downloads in archive/; copy everything else as it is.

    An archive directly in archive/ is the LMS's download unless its name reads as a
    student's upload (the instructor unzipped the download there); archives inside a download
    are copied, never opened, so a student's zip can neither add files nor stop the run.
    """

    def extract(self, archive_path: str, extracted_path: str) -> None:
        if not os.listdir(archive_path):
            self.log.warning("No files found in directory: %s", archive_path)
            return
        for root, _dirs, files in os.walk(archive_path):
            relative = os.path.relpath(root, archive_path)
            extract_to = os.path.normpath(os.path.join(extracted_path, relative))
            os.makedirs(extract_to, exist_ok=True)
            for name in sorted(files):
                source = os.path.join(root, name)
                if relative == os.curdir and os.path.splitext(name)[1] in self.zip_ext:
                    uploads = rules.readings(self.format, name)
                    if not uploads:
                        self.log.info("Extracting %s to %s", source, extract_to)
                        unzip(source, extract_to, zip_ext=self.zip_ext, create_own_folder=True,
                              tree=False)
                        continue
                    self.log.warning(rules.MESSAGES["not_opened"].format(
                        path=rules.printable(name), student_id=uploads[0].student_id))
                shutil.copy(source, os.path.join(extract_to, name))


class LmsCollectorPlugin(LmsDownload, FileNameCollectorPlugin):
    """Give each extracted file to the student the LMS wrote at its top level, or skip it.

    The whole extracted/ folder is read once, at the first file, so that of two copies of a
    student's notebook the later is kept whichever nbgrader asks about first (nbgrader
    itself stops everyone's collection at the second copy).
    """

    _decisions: dict[tuple[str, ...], rules.Take | rules.Skip] | None = None
    _root: str = ""
    _gradebook: tuple[set[str] | None, datetime.datetime | None] | None = None
    _generated = True

    def collect(self, submitted_file: str) -> dict | None:
        if self._decisions is None:
            self._root = self._extracted_folder()
            files = [os.path.relpath(os.path.join(folder, name), self._root).split(os.sep)
                     for folder, _, names in os.walk(self._root) for name in names]
            self._decisions = rules.plan(self.format, files, self.valid_ext)
        parts = tuple(os.path.relpath(submitted_file, self._root).split(os.sep))
        decision = self._decisions.get(parts)
        if decision is None:  # not there when the folder was read: judged on its own
            decision = rules.read_path(self.format, parts, self.valid_ext)
        if isinstance(decision, rules.Skip):
            self.log.warning(rules.MESSAGES["skipped"].format(
                path=rules.printable("/".join(parts)), reason=decision.reason))
            return None
        info = {"student_id": decision.student_id, "file_id": decision.file_id}
        students, duedate = self._from_gradebook()
        path = rules.printable("/".join(parts))
        if students is not None and decision.student_id not in students:
            self.log.warning(_(MSG_UNKNOWN_STUDENT).format(path=path,
                                                        student_id=decision.student_id))
        if decision.late:
            assignment = self.parent.coursedir.assignment_id
            if duedate is None and not self._generated:
                pass  # said once, when the gradebook was read
            elif duedate is None:
                self.log.warning(_(MSG_LATE_NO_DUEDATE).format(lms=self.format.title, path=path,
                                                            assignment=assignment))
            else:
                # The download says only that it was late, not when it came: one second
                # after the due date is the least lateness that is still late.
                stamp = (duedate + datetime.timedelta(seconds=1)).isoformat(" ")
                info["timestamp"] = stamp
                self.log.warning(_(MSG_LATE).format(lms=self.format.title, path=path,
                                                 timestamp=stamp))
        return info

    def _from_gradebook(self) -> tuple[set[str] | None, datetime.datetime | None]:
        """The gradebook's student ids and the assignment's due date (None when unknown)."""
        if self._gradebook is None:
            students: set[str] | None = None
            duedate = None
            app = self.parent
            try:
                from nbgrader.api import Gradebook, MissingEntry

                with warnings.catch_warnings(), Gradebook(app.coursedir.db_url,
                                                          app.coursedir.course_id) as gb:
                    warnings.simplefilter("ignore")
                    students = {s.id for s in gb.students}
                    try:
                        duedate = gb.find_assignment(app.coursedir.assignment_id).duedate
                    except MissingEntry:
                        self._generated = False
                        self.log.warning(_(MSG_NOT_GENERATED).format(
                            assignment=app.coursedir.assignment_id))
            except Exception as exc:  # noqa: BLE001 - no gradebook: nothing to compare with
                self.log.warning(_(MSG_NO_GRADEBOOK).format(reason=exc))
            self._gradebook = (students, duedate)
        return self._gradebook

    def _extracted_folder(self) -> str:
        """downloaded/<assignment>/extracted/, from the zip_collect app's own settings."""
        app = self.parent
        if app is None or not hasattr(app, "collect_directory_structure"):
            raise RuntimeError("LmsCollectorPlugin runs inside `nbgrader zip_collect`")
        path = os.path.join(app.coursedir.root, app.collect_directory_structure).format(
            downloaded=app.downloaded_directory, assignment_id=app.coursedir.assignment_id,
            collect_step=app.extracted_directory)
        return os.path.abspath(path)
