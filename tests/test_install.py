"""Two installs from one source, tested as built wheels in fresh environments run from an
unrelated folder (fixtures in installs.py): the instructor's `scratchgrad` with its
curriculum inside, and the students' package without a solution line, a hidden suite or
the rubric."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from installs import Env

from autograder import curriculum, paths
from autograder.demo import student_notebook, write_notebook
from autograder.grade import rubric
from autograder.sandbox.launcher import bwrap_problem
from kit import notebook_sources, solution_regions


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _secret_lines() -> set[str]:
    """Solution-region lines that the students' release does not show anyway."""
    chosen = paths.current()
    shown = _squeezed("\n".join(
        "\n".join(source for _, source in notebook_sources(p)) if p.suffix == ".ipynb"
        else p.read_text(encoding="utf-8")
        for p in sorted(chosen.release.rglob("*")) if p.is_file() and "__pycache__" not in p.parts))
    lines = {line.strip() for a in curriculum.ASSIGNMENTS
             for region in solution_regions(chosen.solutions / a.id / a.notebook)
             for line in region.splitlines()}
    return {line for line in lines if len(_squeezed(line)) >= 12
            and not line.startswith("#") and _squeezed(line) not in shown}


def _texts(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as zf:
        return {name: zf.read(name).decode("utf-8", "replace") for name in zf.namelist()
                if not name.endswith(".gz")}


def test_the_students_wheel_holds_no_solution_hidden_suite_or_rubric(student_wheel, instructor_wheel):
    secret = _secret_lines()
    assert len(secret) > 100  # the check sees the solutions at all
    student = _texts(student_wheel)
    names = list(student)
    assert "autograder/selfcheck/plugin.py" in names and "dataset/sample.py" in names
    assert not [n for n in names if n.endswith(".ipynb") or "hidden" in n or "rubric" in n
                or n.startswith(("autograder/grade/", "autograder/course/", "autograder/_c"))]
    # The curriculum table is there for its units, without a hidden check's name or points.
    table = student["autograder/curriculum.toml"]
    assert "[02_forward.units.softmax]" in table
    check_ids = [c.id for a in curriculum.ASSIGNMENTS for c in rubric.checks(a.id)]
    assert len(check_ids) > 70 and not [c for c in check_ids if c in table]
    squeezed = _squeezed("\n".join(student.values()))
    assert not sorted(line for line in secret if _squeezed(line) in squeezed)
    # The instructor's wheel is the opposite: the curriculum is inside, so the check above
    # is a check of something.
    instructor = _texts(instructor_wheel)
    for name in ("autograder/_curriculum/curriculum.toml",
                 "autograder/_curriculum/hidden/test_02_forward.py",
                 "autograder/_curriculum/solutions/02_forward/forward.ipynb",
                 "autograder/_curriculum/assignments/en/02_forward/forward.ipynb",
                 "autograder/_curriculum/demo_class.toml"):
        assert name in instructor
    everything = _squeezed("\n".join(instructor.values()).replace("\\n", "\n"))
    assert sum(_squeezed(line) in everything for line in secret) > 0


@pytest.mark.slow
def test_scratchgrad_from_a_wheel_works_in_any_folder(instructor_env: Env, tmp_path):
    env = instructor_env
    assert env.imported_from("autograder.grade.reference").is_relative_to(env.prefix)
    demo = env.run("scratchgrad", "demo", "--out", tmp_path / "demo", "--jobs", "2")
    assert demo.returncode == 0, demo.stderr
    total = f"{sum(c.points for a in curriculum.ASSIGNMENTS for c in rubric.checks(a.id)):g}"
    assert re.search(rf"aiko\s.*{total}/{total}", demo.stdout), demo.stdout

    submitted = tmp_path / "submitted"
    for student, unfinished in (("ann", False), ("bo", True)):
        nb = student_notebook("02_forward", unfinished=unfinished)
        write_notebook(nb, submitted / student / "02_forward" / "forward.ipynb")
    graded = env.run("scratchgrad", "grade", submitted, "--out", tmp_path / "out")
    assert graded.returncode == 0, graded.stderr
    records = {s: json.loads((tmp_path / "out" / s / "02_forward.json").read_text())
               for s in ("ann", "bo")}
    assert records["ann"]["score"] == records["ann"]["max_score"] == 16
    assert records["bo"]["score"] == 0


def test_a_curriculum_of_ones_own_is_used_and_recorded(instructor_env: Env, tmp_path):
    env = instructor_env
    mine = tmp_path / "mine"
    copied = env.run("scratchgrad", "curriculum", "copy", mine)
    assert copied.returncode == 0, copied.stderr
    rubric_file = mine / "curriculum.toml"
    text = rubric_file.read_text()
    # Twice the points for the perceptron's AND: grading follows the copy, not the kit.
    text, n = re.subn(r"(\[01_perceptron\.units\.AND\]\n(?:[^\[\n]+\n)*?)(\w+) = (\d+)",
                      lambda m: f"{m[1]}{m[2]} = {int(m[3]) * 2}", text, count=1)
    assert n == 1, text[:400]
    rubric_file.write_text(text)
    submitted = tmp_path / "submitted" / "ann" / "01_perceptron" / "perceptron.ipynb"
    write_notebook(student_notebook("01_perceptron"), submitted)
    done = env.run("scratchgrad", "grade", tmp_path / "submitted", "--out", tmp_path / "out",
                   "--curriculum", mine)
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "out" / "ann" / "01_perceptron.json").read_text())
    kit_max = sum(c.points for c in rubric.checks("01_perceptron"))
    assert record["score"] == record["max_score"] == kit_max + 2

    # course init copies the curriculum's notebooks and records the folder for the
    # course's later commands.
    (mine / "solutions" / "02_forward" / "forward.ipynb").write_text(
        json.dumps(student_notebook("02_forward", unfinished=True)))
    init = env.run("scratchgrad", "course", "init", tmp_path / "course", "--curriculum", mine)
    assert init.returncode == 0, init.stderr
    assert repr(str(mine)) in (tmp_path / "course" / "nbgrader_config.py").read_text()
    source = tmp_path / "course" / "source" / "02_forward" / "forward.ipynb"

    def sources(path: Path) -> list:  # course init stamps the points into the test cells
        return [c["source"] for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]

    assert sources(source) == sources(mine / "solutions" / "02_forward" / "forward.ipynb")
    bad = env.run("scratchgrad", "grade", tmp_path / "submitted", "--out", tmp_path / "x",
                  "--curriculum", tmp_path / "nothing")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "is not a curriculum folder" in bad.stderr


SNOOP = '''
def softmax(x):
    import numpy as np
    from pathlib import Path
    site = Path({site!r})
    open(site / "zz_test_dependencies.pth").close()  # the rest of site-packages is in sight
    for secret in ("autograder/_curriculum/hidden/test_02_forward.py",
                   "autograder/_curriculum/solutions/02_forward/forward.ipynb",
                   "autograder/grade/reference.py"):
        open(site / secret).close()
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
'''


@pytest.mark.skipif(bwrap_problem() is not None, reason="bubblewrap cannot run here")
def test_the_sandbox_hides_the_kit_installed_from_a_wheel(instructor_env: Env, tmp_path):
    """The kit in site-packages, beside numpy, is hidden from student code all the same.
    (The environment lives outside /tmp, which the sandbox replaces with a /tmp of its own
    and would hide by itself.)"""
    env = instructor_env
    site = env.imported_from("autograder").parents[1]
    snoop = SNOOP.lstrip().format(site=str(site)).replace("\\", "\\\\")
    nb = student_notebook("02_forward")
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "def softmax(" in cell["source"]:
            cell["source"] = re.sub(r"def softmax\(x\):\n(?:[ \t]+.*\n|\n)*", snoop,
                                    cell["source"] + "\n")
    write_notebook(nb, tmp_path / "submitted" / "eve" / "02_forward" / "forward.ipynb")
    done = env.run("scratchgrad", "grade", tmp_path / "submitted", "--out", tmp_path / "out",
                   "--isolation", "bwrap")
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "out" / "eve" / "02_forward.json").read_text())
    softmax = [c for c in record["checks"] if c["unit"] == "softmax"]
    assert softmax and all(c["score"] == 0 for c in softmax)
    assert any("FileNotFoundError" in c["message"]
               and "_curriculum/hidden/test_02_forward.py" in c["message"] for c in softmax), softmax
    others = [c for c in record["checks"] if c["unit"] == "relu"]
    assert all(c["status"] == "passed" for c in others)


def test_the_students_environment_runs_the_public_tests(student_env: Env, tmp_path):
    env = student_env
    assert env.imported_from("autograder.selfcheck").is_relative_to(env.prefix)
    no_grader = env.run(env.python, "-c", "import autograder.grade")
    assert no_grader.returncode != 0 and "ModuleNotFoundError" in no_grader.stderr
    release = tmp_path / "assignments"
    shutil.copytree(paths.assignments_dir(), release,
                    ignore=shutil.ignore_patterns("__pycache__"))
    untouched = env.run(env.python, "-m", "pytest", "assignments/02_forward", "-q",
                        "-p", "no:randomly", "-p", "no:cacheprovider", cwd=tmp_path)
    assert untouched.returncode == 1, untouched.stdout[-2000:]
    assert "softmax: not implemented yet" in untouched.stdout
    write_notebook(student_notebook("02_forward"), release / "02_forward" / "forward.ipynb")
    finished = env.run(env.python, "-m", "pytest", "assignments/02_forward", "-q",
                       "-p", "no:randomly", "-p", "no:cacheprovider", cwd=tmp_path)
    assert finished.returncode == 0, finished.stdout[-2000:]
    assert " passed" in finished.stdout and "failed" not in finished.stdout
