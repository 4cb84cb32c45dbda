"""A browser as a person names it («Chrome, Windows»), and as identity knows it again at the next
sign-in (the letter about a sign-in from a browser not seen before).

A browser is known by one of two keys, whichever the sign-in has:

- **the device cookie**: the gateway gives every browser that signs in through it (cookie mode,
  the web front end) a long-lived random `__Host-lka_device` cookie, HttpOnly and Secure like
  the session cookies, and passes its value on as `X-Device-Id`. This is the browser itself:
  a new browser, a new profile of one, a private window or cleared cookies are new, and a known
  browser stays known when its network changes (a phone moving between Wi-Fi and mobile data
  would otherwise get a letter each time, and letters that cry wolf are not read);
- **a fingerprint** for callers without the cookie (API clients with Bearer tokens): the
  user agent's family (its browser or program name, no version) and the client address's
  network (/24 of IPv4, /48 of IPv6). Coarse, but an API client has nothing better to offer.

Only a SHA-256 of the key is stored (a device id is a bearer secret of sorts: whoever copies it
signs in unannounced).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass

# What a session keeps of a user agent: enough to name the browser, never an unbounded header.
USER_AGENT_MAX = 512
_DEVICE_RE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")

# Most specific first: Edge, Opera and Yandex say "Chrome" too, Chrome says "Safari".
_BROWSERS: tuple[tuple[str, str], ...] = (
    ("YaBrowser/", "Яндекс Браузер"),
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS: tuple[tuple[str, str], ...] = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_PRODUCT_RE = re.compile(r"^([A-Za-z][A-Za-z0-9._-]{0,39})")


@dataclass(frozen=True)
class Browser:
    """What a request says of the browser it came from: its user agent, and the gateway's
    device id when it signed in through the web front end."""

    user_agent: str | None = None
    device_id: str | None = None

    @classmethod
    def from_headers(cls, user_agent: str | None, device_id: str | None) -> Browser:
        agent = user_agent.strip()[:USER_AGENT_MAX] if user_agent and user_agent.strip() else None
        device = device_id if device_id and _DEVICE_RE.match(device_id) else None
        return cls(agent, device)


def family(user_agent: str | None) -> str:
    """The browser's name without its version («Chrome»), or the program's (`python-httpx`)."""
    if not user_agent:
        return "неизвестный браузер"
    for marker, name in _BROWSERS:
        if marker in user_agent:
            return name
    found = _PRODUCT_RE.match(user_agent.strip())
    return found.group(1) if found else "неизвестный браузер"


def system(user_agent: str | None) -> str | None:
    if not user_agent:
        return None
    for marker, name in _SYSTEMS:
        if marker in user_agent:
            return name
    return None


def browser_name(user_agent: str | None) -> str:
    """How a letter names it: «Chrome, Windows», «Firefox», «python-httpx»."""
    name, where = family(user_agent), system(user_agent)
    return f"{name}, {where}" if where else name


def network_of(address: str | None) -> str:
    """The network a client address belongs to for the fingerprint: /24 of IPv4, /48 of IPv6."""
    if not address:
        return "-"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "-"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def browser_key(browser: Browser, client: str | None) -> str:
    """The stored key of a known browser: its device cookie when it has one, else the fingerprint."""
    if browser.device_id is not None:
        raw = f"device:{browser.device_id}"
    else:
        raw = f"net:{family(browser.user_agent).lower()}|{network_of(client)}"
    return hashlib.sha256(raw.encode()).hexdigest()
