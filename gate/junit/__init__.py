"""JUnit XML test results: a streaming, defused reader and the model it builds."""
