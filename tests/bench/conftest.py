"""The benchmark tests' marker: ``-m bench`` runs them alone (they take seconds, not minutes)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "bench: the demonstration register generator and a smoke run of bench/run.py"
    )
