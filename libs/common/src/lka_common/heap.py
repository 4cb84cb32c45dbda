"""The heap of a long-running process, settled once the process has started.

What a process builds while it starts (modules, pydantic schemas, SQLAlchemy's tables and
compiled statements: over a hundred thousand objects) lives as long as the process, yet the
garbage collector walks all of it in each full collection, and a process that keeps allocating
(a scheduled run's batches) sets one off every few batches. Frozen (`gc.freeze`), those objects
are out of its sight: a full collection walks only what the process made since
(docs/performance.md "Reminders": a reading-window batch's Python 15 → 9 ms). Workers call it
before their work begins (lka_common.worker), the APIs and the gateway before they serve
(lka_common.web.serve_api, lka_gateway.main): a full collection there stops every request the
process holds, and walked the whole start-up heap each time (docs/performance.md "The third
round: the APIs' heap": 60–90 ms each → 3–15 ms).
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what start-up left behind, then freeze what remains: call once, when the process
    has built what it keeps and before its steady work begins."""
    gc.collect()
    gc.freeze()
