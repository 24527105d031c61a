"""The curriculum: six assignments, their notebooks and the units each one grades.

This table is the public API that students, graders and instructors rely on. Unit names
are qualified (`softmax`, `Affine.backward`, `TwoLayerNet.gradient`) and unique across
the whole course, so a unit name alone tells which assignment it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n.messages import N_


@dataclass(frozen=True)
class Assignment:
    id: str
    topic: str
    title: str
    units: tuple[str, ...]
    # Units of earlier assignments this notebook imports with `from_assignment`.
    imports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Units a graded unit must not use, with the reason the student reads (what the unit
    # is meant to practise).
    forbids: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def notebook(self) -> str:
        return f"{self.topic}.ipynb"

    @property
    def public_tests(self) -> str:
        return f"test_{self.topic}.py"

    @property
    def names(self) -> tuple[str, ...]:
        """Top-level names the student defines (classes once, not once per method)."""
        seen: dict[str, None] = {}
        for unit in self.units:
            seen.setdefault(unit.split(".")[0], None)
        return tuple(seen)


ASSIGNMENTS: tuple[Assignment, ...] = (
    Assignment(
        "01_perceptron", "perceptron", "Perceptrons / パーセプトロン",
        ("AND", "NAND", "OR", "XOR"),
    ),
    Assignment(
        "02_forward", "forward", "Activation functions and the forward pass / 活性化関数",
        ("step_function", "sigmoid", "relu", "identity_function", "softmax",
         "init_network", "forward"),
    ),
    Assignment(
        "03_learning", "learning", "Loss functions and numerical gradients / 損失関数と数値微分",
        ("mean_squared_error", "cross_entropy_error", "numerical_diff",
         "numerical_gradient", "gradient_descent"),
    ),
    Assignment(
        "04_backprop", "backprop", "Backpropagation / 誤差逆伝播法",
        ("d_sigmoid", "d_relu", "d_mean_squared_error",
         "Relu.forward", "Relu.backward", "Sigmoid.forward", "Sigmoid.backward",
         "Affine.forward", "Affine.backward",
         "SoftmaxWithLoss.forward", "SoftmaxWithLoss.backward",
         "TwoLayerNet.__init__", "TwoLayerNet.predict", "TwoLayerNet.loss",
         "TwoLayerNet.accuracy", "TwoLayerNet.numerical_gradient", "TwoLayerNet.gradient"),
        imports={"02_forward": ("sigmoid", "softmax"),
                 "03_learning": ("cross_entropy_error", "numerical_gradient")},
        forbids={"TwoLayerNet.gradient": {
            "numerical_gradient": N_("gradient must compute the gradient by backpropagation "
                                     "(the backward of each layer), not numerically")}},
    ),
    Assignment(
        "05_training", "training", "The training loop / 学習アルゴリズムの実装",
        ("train",),
        imports={"04_backprop": ("TwoLayerNet",)},
    ),
    Assignment(
        "06_optimizers", "optimizers", "Optimizers and dropout / パラメータの更新",
        ("SGD.update", "Momentum.update", "AdaGrad.update", "RMSprop.update", "Adam.update",
         "Dropout.forward", "Dropout.backward"),
        imports={"04_backprop": ("TwoLayerNet",)},
    ),
)

BY_ID: dict[str, Assignment] = {a.id: a for a in ASSIGNMENTS}


def get(assignment_id: str) -> Assignment:
    """The assignment with this id, or a one-line error that lists the valid ids."""
    try:
        return BY_ID[assignment_id]
    except KeyError:
        raise KeyError(
            f"unknown assignment {assignment_id!r}; the assignments are: {', '.join(BY_ID)}"
        ) from None


def assignment_of(unit: str) -> Assignment:
    """The assignment that grades `unit` (a qualified unit name or a top-level name)."""
    for a in ASSIGNMENTS:
        if unit in a.units or unit in a.names:
            return a
    raise KeyError(f"unknown unit {unit!r}")


def grade_cell_id(unit: str) -> str:
    """The nbgrader grade_id of the notebook's test cell for `unit`: `check_softmax`,
    `check_Affine_backward`, `check_TwoLayerNet_init`."""
    return "check_" + unit.replace(".__init__", ".init").replace(".", "_")


def unit_of_grade_cell(grade_id: str) -> str | None:
    """The unit whose test cell has this grade_id, or None (a manually graded question)."""
    return _UNIT_BY_CELL.get(grade_id)


_UNIT_BY_CELL = {grade_cell_id(u): u for a in ASSIGNMENTS for u in a.units}
