"""Online learning mistaken for mini-batch learning."""

UNIT = "answer_online_vs_minibatch"
HINT = None
REPLACES = "answer_online_vs_minibatch"
FAILS = ("answer_online_vs_minibatch_is_right",)

answer_online_vs_minibatch = "b"
