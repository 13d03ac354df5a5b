"""Helpers for test suites that use the mock: the pytest plugin (`pytest_plugin.py`)."""
