"""Sampling profiles of stack processes during a phase (`py-spy record`), and a text summary of
where their CPU time went: by package, the hottest functions, and our own code inclusive.

py-spy (`pip install -c constraints.txt py-spy`) attaches to a running process by pid with
`--nonblocking` (it does not pause the target); it needs ptrace rights over it (root, or the
same user with kernel.yama.ptrace_scope 0). Only samples that hold the GIL are kept (`--gil`),
so the shares are of the time the process ran Python, or C code called from it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::\d+)?\)$")
PACKAGES = [
    ("lka_", "our code (lka_*)"),
    ("sqlalchemy", "SQLAlchemy"),
    ("asyncpg", "asyncpg"),
    ("starlette", "Starlette"),
    ("fastapi", "FastAPI"),
    ("pydantic", "pydantic"),
    ("uvicorn", "uvicorn"),
    ("httptools", "uvicorn"),
    ("aiohttp", "aiohttp"),
    ("redis", "redis-py"),
    ("structlog", "structlog"),
    ("jwt", "PyJWT"),
    ("cryptography", "cryptography"),
    ("aio_pika", "aio-pika"),
    ("aiormq", "aio-pika"),
    ("pamqp", "aio-pika"),
    ("prometheus_client", "prometheus_client"),
    ("greenlet", "SQLAlchemy"),
    ("uvloop", "uvloop"),
    ("/asyncio/", "asyncio"),
    ("/json/", "json"),
    ("/logging/", "logging"),
]


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def start(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    binary = py_spy()
    if binary is None:
        raise SystemExit("py-spy is not installed: .venv/bin/pip install -c constraints.txt py-spy")
    argv = [binary, "record", "--pid", str(pid), "--duration", str(max(int(seconds), 1)), "--rate", "100"]
    # --gil: only samples holding the GIL. uvloop waits for I/O with the GIL released, and py-spy
    # cannot tell that wait from work (its frame is just `Runner.run`); a thread blocked on a
    # lock does not hold it either. So the shares are of the Python work of the process.
    argv += ["--gil", "--nonblocking", "--format", "raw", "--output", str(output)]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _frame(text: str) -> tuple[str, str]:
    found = _FRAME.match(text)
    return (found["func"], found["file"]) if found else (text, "")


def _waiting(frame: tuple[str, str]) -> bool:
    """A thread blocked on a lock or a queue (a thread pool's idle worker): py-spy's idle
    detection misses some of these when a thread is woken often."""
    func, file = frame
    return file.endswith(("threading.py", "queue.py")) and func.split(".")[-1] in ("wait", "get", "acquire")


def package_of(file: str) -> str:
    for needle, name in PACKAGES:
        if needle in file:
            return name
    return "other" if file else "native / unknown"


def _short(func: str, file: str) -> str:
    marker = "site-packages/"
    where = file.split(marker, 1)[1] if marker in file else file.rsplit("/src/", 1)[-1]
    return f"{func} ({where})"


def summarize(raw: Path, top: int = 12) -> list[str]:
    """The summary lines of one `--format raw` (collapsed stacks) profile."""
    total = idle = 0
    own: Counter[str] = Counter()
    by_package: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame(part) for part in stack.split(";")]
        frames = [f for f in frames if f[1]]  # the thread's name frame has no file
        if not frames or _waiting(frames[-1]):
            idle += count
            continue
        total += count
        func, file = frames[-1]
        own[_short(func, file)] += count
        by_package[package_of(file)] += count
        for name in {_short(f, p) for f, p in frames if "lka_" in p}:
            inclusive[name] += count
    if not total:
        return ["    (no samples)"]
    lines = [
        f"    {total} samples (100 a second while holding the GIL; {idle} more of threads waiting, or"
        " without Python frames, left out)",
        "    self time by package:",
    ]
    lines += [f"      {share / total * 100:5.1f} %  {name}" for name, share in by_package.most_common()]
    lines.append("    hottest functions (self time):")
    lines += [f"      {share / total * 100:5.1f} %  {name}" for name, share in own.most_common(top)]
    lines.append("    our code, inclusive (the function and what it called):")
    lines += [f"      {share / total * 100:5.1f} %  {name}" for name, share in inclusive.most_common(top)]
    return lines
