"""Grade: run the hidden suites against a submission in the sandbox, and score them."""
