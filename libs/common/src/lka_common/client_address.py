"""The caller's address for limits and records: the peer, or, when the peer is a trusted
proxy, the last untrusted hop of `X-Forwarded-For` (CONTRACT §2 limits, QUALITY 6).

Hops a client wrote itself stand left of the ones our proxies appended, so the walk goes
from the right and stops at the first address that is not one of ours.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(cidrs: Iterable[str]) -> list[Network]:
    return [ipaddress.ip_network(c, strict=False) for c in cidrs]


def _trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def resolve(peer: str | None, forwarded_for: str | None, trusted: list[Network]) -> str | None:
    if peer is None or not forwarded_for or not _trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def client_address(request: Request) -> str | None:
    trusted: list[Network] = request.app.state.trusted_proxies
    peer = request.client.host if request.client else None
    return resolve(peer, request.headers.get("x-forwarded-for"), trusted)
