"""A stand-in for a background job's CPU alone, for `bench.py --alongside`: busy for BUSY_MS, then
asleep for SLEEP_MS, over SECONDS. It takes as much of a core as the job would, in the job's
cadence, and nothing else: no memory to speak of, no database. Beside the paced mix it shows what
that share of a core costs the subscribers by itself, against what the job costs them
(docs/performance.md, "The head in pairs").

    .venv/bin/python benchmarks/bench.py --pairs 2 --duration 200 \\
        --alongside ".venv/bin/python benchmarks/busy_loop.py 34 206 205"
"""

from __future__ import annotations

import argparse
import time


def spin(seconds: float) -> None:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        sum(i * i for i in range(200))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("busy_ms", type=float)
    parser.add_argument("sleep_ms", type=float)
    parser.add_argument("seconds", type=float)
    args = parser.parse_args()
    ends = time.monotonic() + args.seconds
    cycles, cpu = 0, time.process_time()
    while time.monotonic() < ends:
        spin(args.busy_ms / 1000)
        time.sleep(args.sleep_ms / 1000)
        cycles += 1
    used = time.process_time() - cpu
    print(f"busy loop: {cycles} cycles, {used:.1f} CPU-s in {args.seconds:.0f} s ({used / args.seconds:.1%} of a core)")


if __name__ == "__main__":
    main()
