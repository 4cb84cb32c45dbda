"""How a log line looks: JSON for machines and containers, one coloured line for a person."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

_PROGRAM = """
from lka_common.logging import configure_logging, get_logger
configure_logging("readings-api")
get_logger("demo").info("reading_submitted", meter="0042", zones=2)
"""
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run(log_format: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "LKA_LOG_FORMAT"}
    if log_format is not None:
        env["LKA_LOG_FORMAT"] = log_format
    done = subprocess.run([sys.executable, "-c", _PROGRAM], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def _run_at_a_terminal() -> str:
    """The same program with its stdout a terminal, as under `make run` in a shell."""
    env = {k: v for k, v in os.environ.items() if k != "LKA_LOG_FORMAT"}
    leader, follower = pty.openpty()
    with subprocess.Popen([sys.executable, "-c", _PROGRAM], env=env, stdout=follower, stderr=subprocess.PIPE) as child:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the child
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.wait() == 0
    os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.parametrize("log_format", ["json", None])
def test_a_pipe_or_json_gets_one_json_object_a_line(log_format: str | None) -> None:
    (line,) = _run(log_format).splitlines()
    record = json.loads(line)
    assert record["event"] == "reading_submitted"
    assert record["meter"] == "0042"
    assert record["process"] == "readings-api"
    assert record["level"] == "info"


@pytest.mark.parametrize("how", ["asked", "terminal"])
def test_a_person_reads_one_aligned_coloured_line(how: str) -> None:
    output = _run("console") if how == "asked" else _run_at_a_terminal()
    (line,) = output.strip().splitlines()
    assert _ANSI.search(line), "coloured"
    plain = _ANSI.sub("", line)
    assert re.match(r"^\d\d:\d\d:\d\d \[info\s*\] reading_submitted\s{10,}meter=0042 zones=2$", plain), plain
    with pytest.raises(ValueError):
        json.loads(plain)
