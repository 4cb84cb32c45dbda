"""Where a service's sources and migrations are, seen from a test."""

from __future__ import annotations

import importlib
from pathlib import Path


def service_dir(service: str) -> Path:
    """`services/<service>/` of the installed (editable) package `lka_<service>`."""
    module = importlib.import_module(f"lka_{service}")
    assert module.__file__ is not None
    return Path(module.__file__).resolve().parents[2]
