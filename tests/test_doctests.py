"""The examples in the package's docstrings hold (each module's `>>>` lines)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import specdouble

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(specdouble.__path__, "specdouble.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_of_a_module_hold(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples fail in {name}"
