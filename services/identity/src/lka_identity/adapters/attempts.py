"""The attempt counters behind the limits: one row per attempt in `attempts`, in the identity
database, so every replica counts the same attempts (docs/quality.md item 6).

Counted by lka_common.attempts, as in accounts: the use cases call it with the `AttemptLog` of
the kind they count. Every kind is a counter of its own in the one table, told apart by its
`kind` column; rows older than a day (`AttemptLog.keep`, longer than any window) are swept.
"""

from __future__ import annotations

from lka_common.attempts import AttemptLog
from lka_identity.adapters.tables import attempts
from lka_identity.domain.throttling import AttemptKind

ATTEMPT_LOGS = {
    kind: AttemptLog(kind.value, attempts, key=("key",), scope=(("kind", kind.value),)) for kind in AttemptKind
}
