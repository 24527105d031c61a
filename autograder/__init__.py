"""scratchgrad: an auto-graded exercise kit for Deep Learning from Scratch courses.

This module stays trivial on purpose: the sandboxed worker imports the student-side
subpackages (notebook, selfcheck, sandbox) through it and must not pull in the grader.
"""

__version__ = "0.1.0"
