"""Score integrity: attacks on the grader's data, on other students and on unit isolation.

Each attack is built on a passing notebook (the solutions) with one or two definitions
replaced, so that a point gained shows as a score above what the attack deserves, and a
point another student loses shows as that student's score below full marks. They run in
the real sandbox (bubblewrap where it works), through the same engine as `scratchgrad grade`.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from grading import grade, write_catalogue_class, write_student

from autograder import curriculum
from autograder.collect.submissions import discover
from autograder.demo import Mistake, write_notebook
from autograder.grade import rubric
from autograder.grade.engine import Options, grade_class
from autograder.grade.results import AssignmentResult


def replaced(target: str, code: str) -> Mistake:
    return Mistake(f"attack:{target}", None, None, target, textwrap.dedent(code).strip("\n"), "")


# A unit that writes into its input, then returns what the expectation computed from the
# written input would be. With write-back into the grader's arrays these earned 16 points.
WRITES_INTO_ITS_INPUT = {
    "step_function": """
        def step_function(x):
            x[...] = 0
            return np.zeros(x.shape, dtype=int)
        """,
    "sigmoid": """
        def sigmoid(x):
            x[...] = 0
            return np.full(x.shape, 0.5)
        """,
    "relu": """
        def relu(x):
            x[...] = 0
            return np.zeros(x.shape)
        """,
    "softmax": """
        def softmax(x):
            x[...] = 0
            return np.full(x.shape, 1.0 / x.shape[-1])
        """,
    "numerical_gradient": """
        def numerical_gradient(f, x):
            x[...] = 0
            return np.zeros(x.shape)
        """,
    "d_sigmoid": """
        def d_sigmoid(x):
            x[...] = 0
            return np.full(x.shape, 0.25)
        """,
    "d_relu": """
        def d_relu(x):
            x[...] = -1.0
            return np.zeros(x.shape)
        """,
    "d_mean_squared_error": """
        def d_mean_squared_error(y, t):
            y[...] = t
            return np.zeros(y.shape)
        """,
    # backward ignores the mask and rewrites the array forward returned to the grader
    "Dropout": """
        class Dropout:
            def __init__(self, dropout_ratio=0.5):
                self.dropout_ratio = dropout_ratio
                self.mask = None
                self.out = None

            def forward(self, x, train_flg=True):
                if train_flg:
                    self.mask = np.random.rand(*x.shape) > self.dropout_ratio
                    self.out = x * self.mask
                    return self.out
                return x * (1.0 - self.dropout_ratio)

            def backward(self, dout):
                self.out[...] = dout
                return self.out
        """,
}
WRITE_BACK_UNITS = {"Dropout": ("Dropout.backward",)}

# Units that work only with the reference for each other: none earns points.
CIRCULAR = {
    "and-nand": ("01_perceptron", [replaced("AND", """
        def AND(x1, x2):
            return 1 - NAND(x1, x2)
        """), replaced("NAND", """
        def NAND(x1, x2):
            return 1 - AND(x1, x2)
        """)], ("AND", "NAND")),  # XOR, right with right gates, keeps its points
    # NAND built on AND, which is not written yet: AND is not in NAND's contract, so NAND
    # runs with the student's own AND and has nothing to stand on
    "built-on-unfinished": ("01_perceptron", [replaced("NAND", """
        def NAND(x1, x2):
            return 1 - AND(x1, x2)
        """), replaced("AND", """
        def AND(x1, x2):
            raise NotImplementedError()
        """)], ("AND", "NAND")),
    # OR built from XOR, which uses OR: OR never ends; XOR is right (one mistake, once)
    "or-via-xor": ("01_perceptron", [replaced("OR", """
        def OR(x1, x2):
            return XOR(XOR(x1, x2), AND(x1, x2))
        """)], ("OR",)),
    # gates that pass their own checks but answer wrongly when XOR calls them: XOR is
    # right with the reference gates, wrong in the student's own notebook
    "lying-gate": ("01_perceptron", [replaced("AND", """
        def AND(x1, x2):
            import sys
            if sys._getframe(1).f_code.co_name == "XOR":
                return 1 - int(x1 * 0.5 + x2 * 0.5 > 0.7)
            return int(x1 * 0.5 + x2 * 0.5 > 0.7)
        """)], ("XOR",)),
    "d_relu-relu": ("04_backprop", [replaced("d_relu", """
        def d_relu(x):
            layer = Relu()
            layer.forward(x)
            return layer.backward(np.ones(x.shape))
        """), replaced("Relu.backward", """
        def backward(self, dout):
            return dout * d_relu(self.x)
        """), replaced("Relu.forward", """
        def forward(self, x):
            self.x = x
            self.mask = x <= 0
            out = x.copy()
            out[self.mask] = 0
            return out
        """)], ("d_relu", "Relu.backward")),
}

# A layer that answers through a whole network built with identity weights: no softmax or
# cross-entropy code of its own. With the reference network it earned all its points.
SOFTMAX_WITH_LOSS_VIA_A_NETWORK = replaced("SoftmaxWithLoss.forward", """
    def forward(self, x, t):
        n, c = x.shape
        net = TwoLayerNet(c, 2 * c, c)
        eye = np.eye(c)
        net.params["W1"][...] = np.hstack([eye, -eye])
        net.params["b1"][...] = 0
        net.params["W2"][...] = np.vstack([eye, -eye])
        net.params["b2"][...] = 0
        self.loss = net.loss(x, t)
        return self.loss
    """)

# backprop's gradient computed numerically instead
GRADIENT_BY_NUMERICAL_GRADIENT = replaced("TwoLayerNet.gradient", """
    def gradient(self, x, t):
        return self.numerical_gradient(x, t)
    """)

# A train that learns nothing and returns a made-up history whose loss falls nicely.
MADE_UP_HISTORY = replaced("train", """
    def train(network, x_train, t_train, x_test, t_test, iters_num=10000, batch_size=100,
              learning_rate=0.1, seed=None):
        epochs = max(1, int(iters_num * batch_size / len(x_train)))
        return {"train_loss": [float(v) for v in np.linspace(2.3, 0.1, iters_num)],
                "train_acc": [0.5 + 0.4 * i / epochs for i in range(epochs + 1)],
                "test_acc": [0.5 + 0.4 * i / epochs for i in range(epochs + 1)]}
    """)

# A correct train that then damages the data it was given (deliberately, or by the classic
# np.random.shuffle(x_train) without shuffling t_train).
POISONS = {
    "zeroes": "x_train[...] = 0\n    t_train[...] = 0",
    "shuffles": "np.random.shuffle(x_train)",
}


def poisoning_train(how: str) -> Mistake:
    from autograder.demo import student_notebook

    source = next("".join(c["source"]) for c in student_notebook("05_training")["cells"]
                  if "def train(" in "".join(c["source"]))
    body = source[source.index("def train("):]
    body = body.replace("    return history", f"    {POISONS[how]}\n    return history")
    return replaced("train", body)


def unit_scores(result) -> dict[str, tuple[float, float]]:
    out: dict[str, list[float]] = {}
    for c in result.checks:
        got, top = out.setdefault(c.unit, [0.0, 0.0])
        out[c.unit] = [got + c.score, top + c.max_score]
    return {u: (g, t) for u, (g, t) in out.items()}


def assert_only(result, losing: tuple[str, ...]) -> None:
    """The units in `losing` score 0, every other unit of the notebook full marks."""
    scores = unit_scores(result)
    for unit, (got, top) in scores.items():
        owner_loses = unit in losing or unit.split(".")[0] in losing
        if owner_loses:
            assert got == 0, (unit, got, [c.message for c in result.checks if c.unit == unit])
        else:
            assert got == top, (unit, got, top,
                                [c.message for c in result.checks if c.status != "passed"])


def write_attackers(root: Path) -> None:
    """Every attacker on scores above, each in a folder of its own."""
    for unit, code in WRITES_INTO_ITS_INPUT.items():
        write_student(root, f"writes-{unit}", curriculum.assignment_of(unit).id,
                      [replaced(unit, code)])
    for name, (aid, mistakes, _) in CIRCULAR.items():
        write_student(root, f"circular-{name}", aid, mistakes)
    write_student(root, "swl-via-network", "04_backprop", [SOFTMAX_WITH_LOSS_VIA_A_NETWORK])
    write_student(root, "gradient-numerically", "04_backprop", [GRADIENT_BY_NUMERICAL_GRADIENT])
    write_student(root, "made-up-history", "05_training", [MADE_UP_HISTORY])


@pytest.fixture(scope="module")
def graded(measured) -> dict[tuple[str, str], AssignmentResult]:
    """(student, assignment) -> result of every attacker above (graded with the memory
    attackers and test_hostile's, by `measured`'s process)."""
    return measured["results"]


@pytest.mark.parametrize("unit", sorted(WRITES_INTO_ITS_INPUT))
def test_writing_into_the_input_earns_nothing(graded, unit):
    aid = curriculum.assignment_of(unit).id
    assert_only(graded[(f"writes-{unit}", aid)], WRITE_BACK_UNITS.get(unit, (unit,)))


@pytest.mark.parametrize("name", sorted(CIRCULAR))
def test_units_that_work_only_with_the_reference_earn_nothing(graded, name):
    aid, _, losing = CIRCULAR[name]
    result = graded[(f"circular-{name}", aid)]
    assert_only(result, losing)
    messages = " ".join(c.message for c in result.checks if c.unit in losing)
    assert any(why in messages for why in ("RecursionError", "does not work in your notebook",
                                           "gives another result", "not implemented yet"))


def test_a_layer_built_on_a_network_earns_nothing(graded):
    # backward (right) keeps its points: where forward fails, its checks give the layer the
    # book's state; the network that uses the layer keeps its points too (one mistake, once)
    assert_only(graded[("swl-via-network", "04_backprop")], ("SoftmaxWithLoss.forward",))


def test_gradient_by_numerical_gradient_earns_nothing(graded):
    result = graded[("gradient-numerically", "04_backprop")]
    assert_only(result, ("TwoLayerNet.gradient",))
    assert any("may not use numerical_gradient" in c.message for c in result.checks
               if c.unit == "TwoLayerNet.gradient")


def test_a_made_up_training_history_earns_nothing(graded):
    assert_only(graded[("made-up-history", "05_training")], ("train",))


@pytest.mark.parametrize("how", sorted(POISONS))
def test_a_student_cannot_change_another_students_score(tmp_path, how):
    # The poisoner is graded first, in the same process as the honest student after it.
    write_student(tmp_path, "a-poisoner", "05_training", [poisoning_train(how)])
    write_student(tmp_path, "b-honest", "05_training")
    results = grade(tmp_path, jobs=1)
    honest = results[("b-honest", "05_training")]
    assert honest.score == honest.max_score, [c.message for c in honest.checks]


def test_scores_do_not_depend_on_order_jobs_or_classmates(tmp_path, catalogue_graded):
    """The mistake catalogue's class (graded shuffled by two processes, alone: conftest.py),
    graded again in reverse order by one process with poisoners and a finished student
    among it: every check of every student identical. The second run grades the students of
    every other seat (55 of the 108 notebooks, every assignment among them): what one
    student could leak to another, or an order or a process count could change, shows in
    any of them, and the whole class again took 26 of the suite's 150 s."""
    write_catalogue_class(tmp_path, every=2)
    for how in POISONS:
        write_student(tmp_path, f"p-{how}", "05_training", [poisoning_train(how)])
    for a in curriculum.ASSIGNMENTS:
        write_student(tmp_path, "z-full", a.id)
    again = grade_class(discover(tmp_path)[::-1], Options(jobs=1), progress=False)
    views = [{(r.student_id, r.assignment): [(c.id, c.score, c.status, c.message)
                                             for c in r.checks] for r in run}
             for run in (catalogue_graded.values(), again)]
    assert {k: v for k, v in views[1].items() if k in views[0]} == \
        {k: v for k, v in views[0].items() if k in views[1]}
    assert len(views[0].keys() & views[1].keys()) >= 50
    classmates = {s for s, _ in views[1]} - {s for s, _ in views[0]}
    assert classmates == {"z-full", *(f"p-{how}" for how in POISONS)}, classmates
    full = {k: v for k, v in views[1].items() if k[0] == "z-full"}
    assert all(all(s == "passed" for _, _, s, _ in checks) for checks in full.values()), full


def test_rubric_covers_the_attacked_units():
    units = {c.unit for a in curriculum.ASSIGNMENTS for c in rubric.checks(a.id)}
    for unit in [*WRITES_INTO_ITS_INPUT, "Dropout.backward", "SoftmaxWithLoss.forward"]:
        assert unit in units or any(u.startswith(unit + ".") for u in units), unit


# Attacks on the grading process's memory: each must cost its own check, not the grader.
MEMORY_ATTACKS = {
    ("05_training", "train"): replaced("train", """
        def train(network, x_train, t_train, x_test, t_test, iters_num=10000, batch_size=100,
                  learning_rate=0.1, seed=None):
            for i in range(iters_num):
                network.params["W1"] = np.ones((5000, 5000))  # 200 MB, again and again
                network.gradient(x_train[:batch_size], t_train[:batch_size])
            return {"train_loss": [], "train_acc": [], "test_acc": []}
        """),
    ("06_optimizers", "SGD.update"): replaced("SGD.update", """
        def update(self, params, grads):
            TwoLayerNet(16000, 16000, 10)  # a 2 GB reference network, built by the grader
            for key in params:
                params[key] -= self.lr * grads[key]
        """),
    ("02_forward", "softmax"): replaced("softmax", """
        def softmax(x):
            return np.ones(40_000_000)  # 320 MB answer
        """),
    ("04_backprop", "TwoLayerNet.__init__"): replaced("TwoLayerNet.__init__", """
        def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
            # reference layers of 46 MB each (under the message cap), built in the grader
            self.hog = [Affine(np.ones((2400, 2400)), np.zeros(2400)) for _ in range(12)]
            self.params = {}
            self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
            self.params["b1"] = np.zeros(hidden_size)
            self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
            self.params["b2"] = np.zeros(output_size)
            self.layers = OrderedDict()
            self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
            self.layers["Relu1"] = Relu()
            self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
            self.lastLayer = SoftmaxWithLoss()
        """),
}

_MEASURE = """
import json, sys
from pathlib import Path
from autograder.collect.submissions import discover
from autograder.grade import engine

def rss(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

folders = discover(Path(sys.argv[1]))
engine._prepare_process(sorted({s.assignment_id for f in folders for s in f.submissions}))
idle = rss("VmRSS")
results = [r for f in folders for r in engine.grade_student(f, engine.Options(jobs=1))]
print(json.dumps({"idle": idle, "peak": rss("VmHWM"), "results": [r.to_dict() for r in results]}))
"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict:
    """Every attacker of this module (the memory attacks and all the attacks on scores) and
    those of test_hostile, graded as one class by a process of their own that measures its
    memory: {"idle": bytes, "peak": bytes, "results": (student, assignment) -> result}."""
    root = tmp_path_factory.mktemp("attackers")
    for (aid, unit), mistake in MEMORY_ATTACKS.items():
        write_student(root, f"hog-{unit}", aid, [mistake])
    write_attackers(root)
    for how in POISONS:
        write_student(root, f"poison-{how}", "05_training", [poisoning_train(how)])
    from sandboxing import hostile_notebook, notebook_path  # the hostile module's attackers
    from test_hostile import HOSTILE

    for name, hostile in HOSTILE.items():
        write_notebook(hostile_notebook(hostile.code, hostile.extra_cell),
                       notebook_path(root, f"hostile-{name}"))
    tests = Path(__file__).parent
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(root)], capture_output=True,
                         text=True, timeout=600, cwd=tests, check=False,
                         env={**os.environ,  # this checkout's kit, whatever is installed
                              "PYTHONPATH": os.pathsep.join([str(tests.parent), str(tests)])})
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    results = [AssignmentResult.from_dict(d) for d in report.pop("results")]
    return {**report, "results": {(r.student_id, r.assignment): r for r in results}}


def test_memory_attacks_cost_their_check_and_not_the_grader(measured):
    """The grading process's peak stays within 1 GiB of its idle size while it grades every
    attacker of this module (the memory attacks and all the attacks on scores) and those of
    test_hostile (test_sandbox_promises measures its own)."""
    report = measured
    growth = report["peak"] - report["idle"]
    assert growth < 2**30, f"the grading process grew by {growth / 2**20:.0f} MiB"
    for aid, unit in MEMORY_ATTACKS:
        result = report["results"][(f"hog-{unit}", aid)]
        scores = {c.unit: c.score for c in result.checks}
        owner = unit.split(".")[0]
        assert all(s == 0 for u, s in scores.items() if u == unit), (unit, scores)
        messages = [c.message for c in result.checks if c.status != "passed"]
        assert messages and not any("could not run" in m for m in messages), messages
        others = {u: s for u, s in scores.items() if u.split(".")[0] != owner}
        assert all(s > 0 for s in others.values()), (unit, others)
