"""The gateway's cost (docs/quality.md §18): the same call directly and through the gateway, in one run.

    .venv/bin/python benchmarks/gateway_hop.py                  # every variant, 1 round
    .venv/bin/python benchmarks/gateway_hop.py --rounds 3 --variants asgi,fastapi

Variants: `asgi` is the gateway as shipped (`python -m lka_gateway`), `asgi-logged` the same
with a log line per call (LKA_GATEWAY_LOG_EACH_CALL=true); the rest are in gateway_variants.py.

A stand-in service (bare FastAPI, one JSON GET, uvicorn with uvloop and httptools, access
log off) and each gateway variant run as their own processes on free ports; `wrk` loads
them (`apt-get install -y wrk`; without it a Python client does, with lower figures). The
processes' output goes to temporary files. Each measurement also shows how much of the
machine other jobs used meanwhile, and is repeated (`--tries`) while that is above
`--max-other-load`. Prints req/s, p50, p99 and the CPU time per call of the service and
of the gateway for every measurement, then the medians and each variant's ratio to direct.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cpu import CpuWatch
from load import LoadResult, load_tool, run_load

from lka_common.testing.processes import free_port

HERE = Path(__file__).resolve()
_NO_LIMIT = {"rate": 10**9, "burst": 10**9}
UNLIMITED = json.dumps({"anonymous": _NO_LIMIT, "signed_in": _NO_LIMIT})
PATH = "/api/v1/regions"  # the gateway routes it to accounts, where the stand-in listens
REGIONS = [
    {"code": "SIM", "name": "Симферополь"},
    {"code": "SEV", "name": "Севастополь"},
    {"code": "KER", "name": "Керчь"},
]


def serve_upstream(port: int) -> None:
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    @app.get(PATH)
    async def regions() -> list[dict[str, str]]:
        return REGIONS

    # The gateway is ready only once it loaded identity's revocations: the stand-in has none.
    @app.get("/api/v1/internal/revocations")
    async def revocations() -> list[dict[str, str]]:
        return []

    uvicorn.run(app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", access_log=False, log_config=None)


def serve_gateway(variant: str) -> None:
    import uvicorn
    from gateway_variants import VARIANTS

    from lka_gateway.main import SERVER_OPTIONS, configure_gateway_logging
    from lka_gateway.settings import GatewaySettings

    settings = GatewaySettings()
    configure_gateway_logging(settings)
    app = VARIANTS[variant](settings)
    uvicorn.run(app, host=settings.host, port=settings.port, loop="uvloop", **SERVER_OPTIONS)


@dataclass
class Measurement:
    load: LoadResult
    cpu_us_per_call: list[float]  # service's, then gateway's
    other_load_percent: float | None

    def __str__(self) -> str:
        r = self.load
        cpu = " + ".join(f"{us:.0f}" for us in self.cpu_us_per_call) or "?"
        other = "?" if self.other_load_percent is None else f"{self.other_load_percent:.0f}%"
        return (
            f"{r.requests_per_s:>9,.0f} req/s   p50 {r.p50_ms:6.2f} ms   p99 {r.p99_ms:6.2f} ms   "
            f"errors {r.errors}   CPU us/call {cpu:<9}   other load {other}"
        )


def _gateway_command(variant: str) -> tuple[list[str], dict[str, str]]:
    shipped = [sys.executable, "-m", "lka_gateway"]
    if variant == "asgi":
        return shipped, {}
    if variant == "asgi-logged":
        return shipped, {"LKA_GATEWAY_LOG_EACH_CALL": "true"}
    return [sys.executable, str(HERE), "gateway", variant], {}


class Child:
    """A server process of the benchmark; its output goes to a temporary file, as a log
    would, and says why it did not start when it did not."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            argv, env={**os.environ, **(env or {})}, stdout=self.output, stderr=subprocess.STDOUT
        )

    def wait_until_answers(self, url: str, deadline_s: float = 20.0) -> None:
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.output.seek(0)
                tail = self.output.read().decode(errors="replace")[-2000:]
                raise SystemExit(f"{url}: the process exited with {self.process.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own loopback URL
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"{url} did not answer within {deadline_s} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.output.close()


def _measure(label: str, url: str, pids: list[int], args: argparse.Namespace) -> Measurement:
    """`pids`: the service's, then the gateway's when there is one."""
    run_load(url, args.threads, args.connections, args.warmup)  # warm the pools and caches
    for _ in range(args.tries):
        with CpuWatch(pids) as cpu:
            load = run_load(url, args.threads, args.connections, args.duration)
        calls = load.requests_per_s * args.duration
        per_call = [cpu.seconds[pid] / calls * 1e6 for pid in pids] if cpu.seconds else []
        result = Measurement(load, per_call, cpu.foreign_percent)
        print(f"{label:<16} {result}", flush=True)
        if cpu.foreign_percent is None or cpu.foreign_percent <= args.max_other_load:
            break
    return result


def run(args: argparse.Namespace) -> None:
    variants = args.variants.split(",")
    upstream_port = free_port()
    upstream = Child([sys.executable, str(HERE), "upstream", str(upstream_port)])
    direct_url = f"http://127.0.0.1:{upstream_port}{PATH}"
    results: dict[str, list[Measurement]] = {"direct": [], **{v: [] for v in variants}}
    print(f"load: {load_tool()} -t{args.threads} -c{args.connections} -d{args.duration}s, {os.cpu_count()} CPUs")
    try:
        upstream.wait_until_answers(direct_url)
        for round_no in range(1, args.rounds + 1):
            print(f"-- round {round_no}")
            results["direct"].append(_measure("direct", direct_url, [upstream.process.pid], args))
            for variant in variants:
                port = free_port()
                argv, env = _gateway_command(variant)
                env["LKA_GATEWAY_PORT"] = str(port)
                env["LKA_GATEWAY_METRICS_PORT"] = "0"  # any free one: `make run` may hold 8100
                env["LKA_GATEWAY_ACCOUNTS_URL"] = f"http://127.0.0.1:{upstream_port}"
                env["LKA_GATEWAY_IDENTITY_URL"] = f"http://127.0.0.1:{upstream_port}"
                # The load comes from one address: lift the per-client limits out of the way,
                # their Redis round trip is still paid on every call.
                env["LKA_GATEWAY_RATE_LIMITS"] = UNLIMITED
                gateway = Child(argv, env)
                try:
                    gateway.wait_until_answers(f"http://127.0.0.1:{port}/readyz")
                    pids = [upstream.process.pid, gateway.process.pid]
                    results[variant].append(_measure(variant, f"http://127.0.0.1:{port}{PATH}", pids, args))
                finally:
                    gateway.stop()
    finally:
        upstream.stop()
    _summarise(results)


def _summarise(results: dict[str, list[Measurement]]) -> None:
    def median(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    direct = median([m.load.requests_per_s for m in results["direct"]])
    print(f"-- medians of {len(results['direct'])} round(s)")
    for label, runs in results.items():
        rps = median([m.load.requests_per_s for m in runs])
        p50 = median([m.load.p50_ms for m in runs])
        p99 = median([m.load.p99_ms for m in runs])
        cpu = " + ".join(f"{median(list(us)):.0f}" for us in zip(*(m.cpu_us_per_call for m in runs), strict=False))
        ratio = "" if label == "direct" else f"   ratio {rps / direct:.2f}x"
        print(f"{label:<16} {rps:>9,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   CPU us/call {cpu:<9}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("upstream").add_argument("port", type=int)
    sub.add_parser("gateway").add_argument("variant")
    parser.add_argument("--variants", default="asgi,asgi-logged,fastapi,fastapi-buffered,asgi-bare")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--max-other-load", type=float, default=5.0, help="%% of the CPUs other jobs may use")
    parser.add_argument("--tries", type=int, default=3, help="measurements at most while others are busier")
    args = parser.parse_args()
    if args.command == "upstream":
        serve_upstream(args.port)
    elif args.command == "gateway":
        serve_gateway(args.variant)
    else:
        run(args)


if __name__ == "__main__":
    main()
