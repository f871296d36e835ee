"""Data checks, as Great Expectations 1.x suites kept in code. See suites.py for every rule."""
