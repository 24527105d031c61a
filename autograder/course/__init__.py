"""The nbgrader course workflow: nbgrader releases and collects, scratchgrad grades.

init.py      `scratchgrad course init`: an nbgrader course made from solutions/
lms.py       zip_collect file-name patterns for LMS downloads
gradebook.py the engine's scores into nbgrader's gradebook and autograded notebooks
grade.py     `scratchgrad grade --course`
export.py    an `nbgrader export` plugin with one column per unit
"""
