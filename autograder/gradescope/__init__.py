"""Gradescope: the autograder.zip (`package`) and what runs inside it (`run`)."""
