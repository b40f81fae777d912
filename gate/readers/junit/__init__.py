"""JUnit XML test results: the streaming reader and the combined model."""
