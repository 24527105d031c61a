"""np.random.choice taken to return the images themselves."""

UNIT = "answer_batch_choice"
HINT = None
REPLACES = "answer_batch_choice"
FAILS = ("answer_batch_choice_is_right",)

answer_batch_choice = "a"
