"""The wheel ships the kit's own curriculum as `autograder/_curriculum/`.

In a clone the curriculum is spread over the repository (solutions/, assignments/,
autograder/hidden/, ...); a built wheel (`pip install .`, `python -m build`) gets it as one
curriculum folder, written by the same code that `scratchgrad curriculum copy` runs
(autograder/paths.py declares the layouts). An editable install reads the clone instead.
"""

import importlib.util
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def _paths_module():
    spec = importlib.util.spec_from_file_location("_scratchgrad_paths",
                                                  HERE / "autograder" / "paths.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class BuildWithCurriculum(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        paths = _paths_module()
        dest = Path(self.build_lib) / "autograder" / paths.PACKAGED.name
        if dest.exists():
            shutil.rmtree(dest)
        paths.Curriculum.in_clone(HERE).copy_to(dest)


setup(cmdclass={"build_py": BuildWithCurriculum})
