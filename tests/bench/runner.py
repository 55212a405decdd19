"""The benchmark runner, ``bench/run.py``, loaded as a module for tests of its parts."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

RUNNER = Path(__file__).resolve().parents[2] / "bench" / "run.py"


def load_runner() -> ModuleType:
    """``bench/run.py`` as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("bench_run", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module
