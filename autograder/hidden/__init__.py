"""The hidden suites: one pytest module per assignment, never released to students."""
