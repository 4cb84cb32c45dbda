"""The benchmarks' own logic (what a figure is judged by), tested without running a benchmark.

The benchmark scripts import each other by plain name from benchmarks/ (they run as scripts);
the tests do the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
