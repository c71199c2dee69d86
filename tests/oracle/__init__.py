"""The query oracle's parts: the data (read back with the raw driver), the expression and query
generators, and the Python evaluation the ORM's answers are compared with (tests/test_oracle.py)."""
