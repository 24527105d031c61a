"""File-name patterns for `nbgrader zip_collect`, one per LMS download format.

nbgrader matches the pattern against each extracted file's absolute path, from the start,
and needs the groups `student_id` and `file_id`.
"""

from __future__ import annotations

ZIP_PATTERNS: dict[str, str] = {
    # Canvas, "Download Submissions": <sortablename>[_LATE]_<user id>_<submission id>_<file>,
    # and a re-submitted file gets "-1", "-2" before its extension.
    "canvas": r".*/[^/_]+(?:_LATE)?_(?P<student_id>[^/_]+)_\d+_(?P<file_id>[^/]+?)(?:-\d+)?"
              r"\.ipynb$",
    # Moodle, "Download all submissions" (in folders or flat):
    # <Full Name>_<participant id>_assignsubmission_file_<file> or ..._file/<file>
    "moodle": r".*/[^/]*_(?P<student_id>\d+)_assignsubmission_file[_/](?P<file_id>[^/]+)"
              r"\.ipynb$",
}

# What nbgrader's student ids must be for each pattern to find the right student.
STUDENT_IDS: dict[str, str] = {
    "canvas": "the Canvas user id (the 'ID' column of Canvas's gradebook export)",
    "moodle": "the Moodle participant id (the number in the downloaded file names)",
}
