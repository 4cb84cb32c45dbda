"""The caller's address for limits and records (docs/contract.md §2 limits, docs/quality.md item 6), decided in one
place for the whole stack: the gateway's limits and the address it forwards, and every
service's limits and records, all by `resolve` and one setting, `LKA_TRUSTED_PROXIES`.

The address is the peer, or, when the peer is one of our proxies, the hop of `X-Forwarded-For`
our outermost proxy was called from. Hops a client wrote itself stand left of the ones our
proxies appended, so the walk goes from the right, past our proxies' addresses, and stops at
the first address that is not one of ours. The answer is always an IP address, in its
canonical text (so `2001:DB8::0001` and `2001:db8::1` are counted as one caller).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from fastapi import Request
from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# The address of a caller whose peer is not an IP address at all: a unix socket (uvicorn gives
# no peer for one) or an ASGI test client ("testclient"). Nothing says who is behind it, so it
# is never trusted as a proxy, and all such callers share this one address: they are counted
# together by every per-address limit rather than escaping them. Serve behind TCP to tell
# callers apart.
UNKNOWN = "0.0.0.0"


def parse_networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs)


def _ip(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d: the same caller, and the
    # IPv4 networks of the setting must match it.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: Sequence[Network]) -> bool:
    return any(address in net for net in networks)


def resolve(peer: str | None, forwarded_for: str | Iterable[str] | None, trusted: Sequence[Network]) -> str:
    """The client address: `peer` is the connection's remote address, `forwarded_for` every
    `X-Forwarded-For` header's value in the order received (several are one list, RFC 9110
    §5.3), `trusted` the networks of our proxies."""
    if forwarded_for is None or isinstance(forwarded_for, str):
        forwarded_for = () if forwarded_for is None else (forwarded_for,)
    current = _ip(peer) if peer else None
    if current is None:
        return UNKNOWN
    if not _trusted(current, trusted):
        # Not one of ours: whatever it wrote in the header is its own claim, ignored.
        return str(current)
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",")]
    for hop in reversed([h for h in hops if h]):  # an empty list element is no hop (RFC 9110 §5.6.1)
        address = _ip(hop)
        if address is None:
            # Each of our proxies appends the address it was called from, always an IP, so
            # text here was not written by one of ours, and neither was anything left of it.
            # The walk ends at the last address we can vouch for (the proxy that passed this
            # on): skipping the hop instead would let the client choose the next one.
            return str(current)
        current = address
        if not _trusted(current, trusted):
            return str(current)
    # Every hop is one of ours (a probe or a job inside the cluster): the furthest of them.
    return str(current)


def from_scope(scope: Scope, trusted: Sequence[Network]) -> str:
    """`resolve` for an ASGI scope (the gateway's plain ASGI steps, and `client_address`)."""
    client = scope.get("client")
    peer = client[0] if client else None
    hops = [value.decode("latin-1") for name, value in scope["headers"] if name == b"x-forwarded-for"]
    return resolve(peer, hops, trusted)


def client_address(request: Request) -> str:
    """A service's caller, by the networks its app was started with (lka_common.web)."""
    trusted: Sequence[Network] = request.app.state.trusted_proxies
    return from_scope(request.scope, trusted)
