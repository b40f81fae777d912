"""Readers of report formats: each turns a file into data and never decides a verdict.

`xmlsafe` is the defused, streaming XML plumbing they share; `coverage` reads
coverage reports into one line model, `junit` reads test results.
"""
