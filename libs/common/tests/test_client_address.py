"""The client address, decided once for the whole stack (lka_common.client_address): one table
of peer, `X-Forwarded-For` headers and trusted networks against the address, which is always a
valid IP; the one setting every process reads; and a service's helper on a real request."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, Request

from lka_common.client_address import UNKNOWN, client_address, from_scope, parse_networks, resolve
from lka_common.settings import ServiceSettings
from lka_common.testing.http import serve_in_background
from lka_common.web import create_app

LOOPBACK = ["127.0.0.0/8", "::1/128"]
CLUSTER = ["10.0.0.0/8"]
OURS = [*LOOPBACK, *CLUSTER]

# (peer, X-Forwarded-For header values in order, trusted CIDRs) -> the client address
TABLE = [
    pytest.param("198.51.100.1", ["203.0.113.7"], LOOPBACK, "198.51.100.1", id="untrusted-peer-spoofing"),
    pytest.param("198.51.100.1", [], LOOPBACK, "198.51.100.1", id="untrusted-peer-no-header"),
    pytest.param("127.0.0.1", ["203.0.113.7"], LOOPBACK, "203.0.113.7", id="trusted-peer-one-hop"),
    pytest.param("127.0.0.1", ["203.0.113.7"], [], "127.0.0.1", id="nothing-trusted"),
    pytest.param(
        "10.0.0.2", ["6.6.6.6, 203.0.113.7, 10.1.2.3, 10.0.0.9"], CLUSTER, "203.0.113.7", id="chain-of-trusted-proxies"
    ),
    pytest.param("127.0.0.1", ["10.0.0.5, 127.0.0.2"], OURS, "10.0.0.5", id="all-hops-trusted"),
    pytest.param("127.0.0.1", ["<script>alert(1)</script>"], LOOPBACK, "127.0.0.1", id="script-alone"),
    pytest.param("127.0.0.1", ["<script>, 203.0.113.7"], LOOPBACK, "203.0.113.7", id="script-left-of-the-client"),
    pytest.param("10.0.0.2", ["203.0.113.7, junk, 10.0.0.3"], CLUSTER, "10.0.0.3", id="garbage-ends-the-walk"),
    pytest.param("127.0.0.1", ["203.0.113.7:4444"], LOOPBACK, "127.0.0.1", id="address-with-port-is-no-ip"),
    pytest.param("127.0.0.1", ["unknown, 2001:db8::1%"], LOOPBACK, "127.0.0.1", id="rfc7239-words-and-junk"),
    pytest.param("127.0.0.1", [""], LOOPBACK, "127.0.0.1", id="empty-header"),
    pytest.param("127.0.0.1", [" , ,"], LOOPBACK, "127.0.0.1", id="empty-list-elements"),
    pytest.param("127.0.0.1", [], LOOPBACK, "127.0.0.1", id="trusted-peer-no-header"),
    pytest.param("127.0.0.1", ["6.6.6.6", "203.0.113.7, 127.0.0.2"], LOOPBACK, "203.0.113.7", id="two-headers"),
    pytest.param("127.0.0.1", ["203.0.113.7", "6.6.6.6"], LOOPBACK, "6.6.6.6", id="two-headers-in-order"),
    pytest.param("::1", ["2001:db8::7"], LOOPBACK, "2001:db8::7", id="ipv6-hop"),
    pytest.param("::1", ["2001:DB8:0:0::0007"], LOOPBACK, "2001:db8::7", id="ipv6-canonical"),
    pytest.param("2001:db8::1", ["203.0.113.7"], LOOPBACK, "2001:db8::1", id="ipv6-untrusted-peer"),
    pytest.param("::ffff:127.0.0.1", ["203.0.113.7"], LOOPBACK, "203.0.113.7", id="ipv4-mapped-peer"),
    pytest.param("127.0.0.1", ["::ffff:198.51.100.4"], LOOPBACK, "198.51.100.4", id="ipv4-mapped-hop"),
    pytest.param("testclient", ["203.0.113.7"], LOOPBACK, UNKNOWN, id="peer-not-an-ip"),
    pytest.param(None, ["203.0.113.7"], LOOPBACK, UNKNOWN, id="no-peer-unix-socket"),
]


@pytest.mark.parametrize(("peer", "headers", "trusted", "expected"), TABLE)
def test_the_client_address(peer: str | None, headers: list[str], trusted: list[str], expected: str) -> None:
    address = resolve(peer, headers, parse_networks(trusted))
    assert address == expected
    assert str(ipaddress.ip_address(address)) == address  # always an IP, in canonical text


@pytest.mark.parametrize(("peer", "headers", "trusted", "expected"), TABLE)
def test_the_same_from_an_asgi_scope(peer: str | None, headers: list[str], trusted: list[str], expected: str) -> None:
    scope = {
        "type": "http",
        "client": (peer, 50000) if peer is not None else None,
        "headers": [(b"accept", b"*/*"), *((b"x-forwarded-for", h.encode("latin-1")) for h in headers)],
    }
    assert from_scope(scope, parse_networks(trusted)) == expected


def test_one_header_may_be_given_as_a_string() -> None:
    assert resolve("127.0.0.1", "203.0.113.7, 127.0.0.2", parse_networks(LOOPBACK)) == "203.0.113.7"


# --- the one setting ---------------------------------------------------------------------------


class SampleSettings(ServiceSettings):
    service_name = "sample"


def test_every_service_reads_the_one_stack_wide_setting_and_defaults_to_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert SampleSettings().trusted_proxies == ["127.0.0.1/32", "::1/128"]
    monkeypatch.setenv("LKA_TRUSTED_PROXIES", '["172.30.0.10/32"]')
    # A service of its own cannot trust more than the stack: no per-service variant exists.
    monkeypatch.setenv("LKA_SAMPLE_TRUSTED_PROXIES", '["0.0.0.0/0"]')
    assert SampleSettings().trusted_proxies == ["172.30.0.10/32"]


# --- a service's helper on a real request ---------------------------------------------------------

router = APIRouter()


@router.get("/whoami")
async def whoami(request: Request) -> dict[str, str]:
    return {"address": client_address(request)}


@pytest.fixture(scope="module")
async def service(amqp_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = SampleSettings(trusted_proxies=["127.0.0.1/32"], amqp_url=amqp_url)
    app = create_app(settings, title="sample", routers=[router])
    async with serve_in_background(app) as url, httpx.AsyncClient(base_url=url) as client:
        yield client


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [("203.0.113.7", "203.0.113.7"), ("<script>alert(1)</script>", "127.0.0.1"), ("6.6.6.6, ::1", "::1")],
)
async def test_a_service_sees_the_real_peer_and_decides_by_the_table(
    service: httpx.AsyncClient, forwarded: str, expected: str
) -> None:
    """The server hands the app the real peer (no proxy-header rewriting of its own), so the
    service's answer is the table's: `<script>` never comes out of it."""
    answer = await service.get("/api/v1/whoami", headers={"X-Forwarded-For": forwarded})
    assert answer.json() == {"address": expected}
