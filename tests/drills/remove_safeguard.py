"""Show that a drill can fail: run it with one safeguard removed, and expect it to go red.

    .venv/bin/python tests/drills/remove_safeguard.py              # every safeguard, one by one
    .venv/bin/python tests/drills/remove_safeguard.py ack_before_commit

The working tree is never edited (other people work in it): the packages concerned are
copied to a temporary folder, the copy is edited, and the folder is put first on PYTHONPATH
for one pytest run of the drill, so the test process and the entrypoints it starts import
the broken copy. The folder is removed afterwards. A safeguard whose anchor text is no longer
in the code is reported, not guessed at: update its edit here when the code moves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# package: (folder copied, where the copy goes, what goes on PYTHONPATH, where the package is), in the copy
PACKAGES = {
    "lka_common": (ROOT / "libs/common/src/lka_common", "common/lka_common", "common", "common/lka_common"),
    # The whole service: its Alembic migrations are found next to its package.
    "lka_notifications": (
        ROOT / "services/notifications",
        "notifications",
        "notifications/src",
        "notifications/src/lka_notifications",
    ),
}


@dataclass(frozen=True)
class Safeguard:
    drill: str  # a pytest -k expression
    edits: tuple[tuple[str, str, str, str], ...]  # (package, file, old, new)


SAFEGUARDS = {
    "mark_before_publish": Safeguard(
        "commit_and_publish",
        (
            (
                "lka_common",
                "messaging/relay.py",
                '                return 0\n            await pause_point("relay.before_publish")',
                "                return 0\n"
                "            taken = outbox.c.id.in_([r.id for r in rows])\n"
                "            await conn.execute(update(outbox).where(taken).values(published_at=func.now()))\n"
                "            await conn.commit()  # BROKEN ON PURPOSE: marked sent before publishing\n"
                '            await pause_point("relay.before_publish")',
            ),
        ),
    ),
    "skip_inbox_claim": Safeguard(
        "after_publish_before_marking or consumer_killed or ten_times",
        (
            (
                "lka_common",
                "messaging/consumer.py",
                "            if not await claim(uow.session, event.id, sub.queue):",
                "            if False and not await claim(uow.session, event.id, sub.queue):  # BROKEN ON PURPOSE",
            ),
        ),
    ),
    "no_dedupe_at_all": Safeguard(
        "ten_times",
        (
            (
                "lka_common",
                "messaging/consumer.py",
                "            if not await claim(uow.session, event.id, sub.queue):",
                "            if False and not await claim(uow.session, event.id, sub.queue):  # BROKEN ON PURPOSE",
            ),
            (
                "lka_notifications",
                "service_layer/letters.py",
                "        if previous is not None and previous.delivered:",
                "        if False:  # BROKEN ON PURPOSE: the delivery log's guard removed too",
            ),
        ),
    ),
    "transient_messages": Safeguard(
        "broker_killed",
        (
            (
                "lka_common",
                "messaging/relay.py",
                "delivery_mode=aio_pika.DeliveryMode.PERSISTENT,",
                "delivery_mode=aio_pika.DeliveryMode.NOT_PERSISTENT,  # BROKEN ON PURPOSE",
            ),
        ),
    ),
    "no_publisher_confirms": Safeguard(
        "broker_killed",
        (
            (
                "lka_common",
                "messaging/relay.py",
                "publisher_confirms=True, on_return_raises=True)",
                "publisher_confirms=False, on_return_raises=False)  # BROKEN ON PURPOSE",
            ),
        ),
    ),
    "ack_before_commit": Safeguard(
        "consumer_killed",
        (
            (
                "lka_common",
                "messaging/consumer.py",
                "                outcome = await self._apply(sub, event, model, handler)\n"
                "                await message.ack()",
                "                await message.ack()  # BROKEN ON PURPOSE: ack before the effect's commit\n"
                "                outcome = await self._apply(sub, event, model, handler)",
            ),
        ),
    ),
    "requeue_permanent": Safeguard(
        "poison",
        (
            (
                "lka_common",
                "messaging/consumer.py",
                "        await message.reject(requeue=False)",
                "        await message.reject(requeue=True)  # BROKEN ON PURPOSE: poison requeued",
            ),
        ),
    ),
    "dead_letter_transient": Safeguard(
        "database_stopped",
        (
            (
                "lka_common",
                "messaging/consumer.py",
                "                if is_permanent(exc):",
                "                if is_permanent(exc) or is_transient(exc):  # BROKEN ON PURPOSE",
            ),
        ),
    ),
    "transient_counts_against_limit": Safeguard(
        "database_stopped",
        (
            (
                "lka_common",
                "messaging/consumer.py",
                "                if is_transient(exc) and not self._stopping:",
                "                if False and is_transient(exc) and not self._stopping:  # BROKEN ON PURPOSE",
            ),
        ),
    ),
    "no_503_for_outage": Safeguard(
        "api_call",
        (
            (
                "lka_common",
                "problems.py",
                "    if is_transient(exc):\n",
                "    if False and is_transient(exc):  # BROKEN ON PURPOSE: an outage becomes a 500\n",
            ),
        ),
    ),
}


def run(name: str, safeguard: Safeguard) -> bool:
    """True when the drill went red with the safeguard removed."""
    workdir = Path(tempfile.mkdtemp(prefix=f"lka-safeguard-{name}-"))
    try:
        paths = []
        for package in sorted({edit[0] for edit in safeguard.edits}):
            source, copy, on_path, _ = PACKAGES[package]
            shutil.copytree(source, workdir / copy, ignore=shutil.ignore_patterns("__pycache__"))
            paths.append(str(workdir / on_path))
        for package, file, old, new in safeguard.edits:
            path = workdir / PACKAGES[package][3] / file
            text = path.read_text()
            if text.count(old) != 1:
                print(f"{name}: the code moved, its anchor is not in {package}/{file} once; update this script")
                return False
            path.write_text(text.replace(old, new))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/drills", "-q", "-p", "no:cacheprovider", "-k", safeguard.drill],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.monotonic() - started
        failures = [line for line in result.stdout.splitlines() if line.startswith(("E   ", "FAILED"))]
        red = result.returncode != 0 and any(line.startswith("FAILED") for line in failures)
        print(f"=== {name}: {'RED (as it must be)' if red else 'GREEN: the drill did not notice!'} in {seconds:.0f}s")
        for line in failures:
            if "AssertionError" in line or line.startswith("FAILED"):
                print(f"    {line[:300]}")
        return red
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    names = sys.argv[1:] or list(SAFEGUARDS)
    unknown = [n for n in names if n not in SAFEGUARDS]
    if unknown:
        print(f"unknown: {unknown}; known: {list(SAFEGUARDS)}")
        return 2
    results = {name: run(name, SAFEGUARDS[name]) for name in names}
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
