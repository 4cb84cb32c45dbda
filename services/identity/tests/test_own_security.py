"""A subscriber's own security (docs/contract.md §4 "Subscriber's own security"): the change of
address confirmed by the new mailbox, the live sessions with ending one or all others, which
letters the subscriber wants, and the letter about a sign-in from a browser not seen before."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import datetime
from typing import Any

import httpx
import jwt

V1 = "/api/v1"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/18.1 Mobile/15E148 Safari/604.1"
)
NEW_PASSWORD = "Другой-пароль-профиля-2026"
FIVE = ("reading_window", "verification_due", "debt", "bill_issued", "payment_receipts")


def sid_of(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["sid"])


def network() -> str:
    return f"198.51.{random.randint(0, 255)}"


async def sign_in(
    portal: Any, person: Any, *, agent: str = CHROME, address: str | None = None, device: str | None = None
) -> dict[str, Any]:
    """A sign-in from a browser of the caller's choosing: its user agent, client address and device id."""
    headers = {"User-Agent": agent, "X-Forwarded-For": address or f"{network()}.{random.randint(1, 254)}"}
    if device is not None:
        headers["X-Device-Id"] = device
    response = await portal.api.post(
        f"{V1}/auth/login", json={"email": person.email, "password": person.password}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def call(portal: Any, method: str, path: str, token: str, body: Any = None) -> httpx.Response:
    headers = {**portal.from_client(), **portal.bearer(token)}
    response: httpx.Response = await portal.api.request(method, V1 + path, json=body, headers=headers)
    return response


# ---------- the session list ----------


async def test_the_list_shows_each_live_session_with_its_browser_address_and_which_is_this_one(portal: Any) -> None:
    person = await portal.register()
    await portal.post("/auth/email/confirm", {"token": await portal.confirmation_token(person.email)})
    first = await sign_in(portal, person, agent=CHROME, address="198.51.100.7")
    second = await sign_in(portal, person, agent=FIREFOX, address="203.0.113.9")

    response = await call(portal, "GET", "/profile/sessions", first["access_token"])

    assert response.status_code == 200
    listed = {item["id"]: item for item in response.json()}
    assert set(listed) == {sid_of(first["access_token"]), sid_of(second["access_token"])}
    mine, other = listed[sid_of(first["access_token"])], listed[sid_of(second["access_token"])]
    assert set(mine) == {"id", "created_at", "last_seen_at", "client_address", "user_agent", "current"}
    assert (mine["current"], mine["client_address"], mine["user_agent"]) == (True, "198.51.100.7", CHROME)
    assert (other["current"], other["client_address"], other["user_agent"]) == (False, "203.0.113.9", FIREFOX)
    assert mine["last_seen_at"] == mine["created_at"]

    # A refresh is the session being used: it is seen later, and listed first.
    await asyncio.sleep(0.01)
    refreshed = await portal.post("/auth/refresh", {"refresh_token": second["refresh_token"]})
    assert refreshed.status_code == 200
    again = (await call(portal, "GET", "/profile/sessions", first["access_token"])).json()
    assert again[0]["id"] == other["id"]
    assert datetime.fromisoformat(again[0]["last_seen_at"]) > datetime.fromisoformat(other["created_at"])


async def test_ended_sessions_are_not_listed_and_nobody_sees_anothers(portal: Any) -> None:
    person = await portal.signed_in()
    gone = await sign_in(portal, person)
    assert (await call(portal, "POST", "/auth/logout", gone["access_token"])).status_code == 204
    stranger = await portal.signed_in()

    mine = (await call(portal, "GET", "/profile/sessions", person.access_token)).json()
    theirs = (await call(portal, "GET", "/profile/sessions", stranger.access_token)).json()

    assert [s["id"] for s in mine] == [sid_of(person.access_token)]
    assert [s["id"] for s in theirs] == [sid_of(stranger.access_token)]
    assert (await portal.get("/profile/sessions")).status_code == 401


async def test_ending_one_session_refuses_it_at_once_and_tells_the_gateway(portal: Any) -> None:
    person = await portal.signed_in()
    other = await sign_in(portal, person, agent=FIREFOX)
    other_id = sid_of(other["access_token"])

    response = await call(portal, "DELETE", f"/profile/sessions/{other_id}", person.access_token)

    assert response.status_code == 204
    assert (await portal.get("/profile", other["access_token"])).status_code == 401
    assert (await portal.post("/auth/refresh", {"refresh_token": other["refresh_token"]})).status_code == 401
    assert (await portal.get("/profile", person.access_token)).status_code == 200
    revoked = await portal.messages(person.user_id, "identity.session.revoked.v1")
    assert [m["data"]["session_id"] for m in revoked] == [other_id]
    # Once more, or another user's session: 404 like one that never was.
    assert (await call(portal, "DELETE", f"/profile/sessions/{other_id}", person.access_token)).status_code == 404
    stranger = await portal.signed_in()
    theirs = sid_of(stranger.access_token)
    refused = await call(portal, "DELETE", f"/profile/sessions/{theirs}", person.access_token)
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert (await portal.get("/profile", stranger.access_token)).status_code == 200
    unknown = await call(portal, "DELETE", f"/profile/sessions/{uuid.uuid4()}", person.access_token)
    assert unknown.status_code == 404


async def test_ending_all_others_keeps_only_the_callers(portal: Any) -> None:
    person = await portal.signed_in()
    others = [await sign_in(portal, person, agent=agent) for agent in (FIREFOX, SAFARI)]

    response = await call(portal, "DELETE", "/profile/sessions", person.access_token)

    assert response.status_code == 204
    for other in others:
        assert (await portal.get("/profile", other["access_token"])).status_code == 401
    listed = (await call(portal, "GET", "/profile/sessions", person.access_token)).json()
    assert [(s["id"], s["current"]) for s in listed] == [(sid_of(person.access_token), True)]
    revoked = await portal.messages(person.user_id, "identity.session.revoked.v1")
    assert sorted(m["data"]["session_id"] for m in revoked) == sorted(sid_of(o["access_token"]) for o in others)


# ---------- the change of address ----------


async def request_change(portal: Any, person: Any, new_email: str, password: str | None = None) -> httpx.Response:
    body = {"new_email": new_email, "password": password or person.password}
    response: httpx.Response = await portal.post("/profile/email", body, token=person.access_token)
    return response


async def change_link(portal: Any, new_email: str) -> str:
    (letter,) = await portal.letters(new_email, "email_change_confirm")
    link: str = letter["params"]["link"]
    return link


async def test_a_new_address_confirmed_by_its_letter_replaces_the_old_one(portal: Any) -> None:
    person = await portal.signed_in()
    other = await sign_in(portal, person, agent=FIREFOX)
    new_email = portal.new_email()

    asked = await request_change(portal, person, new_email.upper())

    assert asked.status_code == 202
    assert asked.json()["message"].startswith("Если этот адрес можно использовать")
    link = await change_link(portal, new_email)
    assert link.startswith(f"{portal.public_base_url}/confirm-email-change?token=")
    # Nothing changes before the link is opened.
    assert (await portal.get("/profile", person.access_token)).json()["email"] == person.email

    confirmed = await portal.post("/profile/email/confirm", {"token": portal.token_of(link)}, token=person.access_token)

    assert confirmed.status_code == 200
    assert confirmed.json() == {"message": "Адрес электронной почты изменен"}
    profile = (await portal.get("/profile", person.access_token)).json()
    assert profile["email"].lower() == new_email and profile["email_confirmed"] is True
    (told,) = await portal.letters(person.email, "email_changed")
    assert told["params"] == {"new_email": new_email[:2].upper() + "***@example.ru"}  # as typed, masked
    book = await portal.messages(person.user_id, "notifications.address_book.update.v1")
    assert (book[-1]["data"]["email"].lower(), book[-1]["data"]["confirmed"]) == (new_email, True)
    # The other session ended; this one goes on.
    assert (await portal.get("/profile", other["access_token"])).status_code == 401
    revoked = await portal.messages(person.user_id, "identity.session.revoked.v1")
    assert [m["data"]["session_id"] for m in revoked] == [sid_of(other["access_token"])]
    # The link works once; sign-in is by the new address only.
    again = await portal.post("/profile/email/confirm", {"token": portal.token_of(link)}, token=person.access_token)
    assert again.status_code == 400 and again.json()["code"] == "invalid_token"
    old = await portal.post("/auth/login", {"email": person.email, "password": person.password})
    new = await portal.post("/auth/login", {"email": new_email, "password": person.password})
    assert (old.status_code, new.status_code) == (401, 200)


async def test_an_address_in_use_gets_the_same_answer_and_its_owner_a_notice(portal: Any) -> None:
    person = await portal.signed_in()
    owner = await portal.signed_in()
    free = portal.new_email()

    taken = await request_change(portal, person, owner.email.upper())
    open_ = await request_change(portal, person, free)

    assert taken.status_code == open_.status_code == 202
    assert taken.json() == open_.json()
    assert len(await portal.letters(owner.email, "email_change_notice_in_use")) == 1
    assert await portal.letters(owner.email, "email_change_confirm") == []
    assert len(await portal.letters(free, "email_change_confirm")) == 1


async def test_a_wrong_password_the_same_address_and_a_stranger_are_refused(portal: Any) -> None:
    person = await portal.signed_in()
    new_email = portal.new_email()

    wrong = await request_change(portal, person, new_email, password="Не-тот-пароль-2026")
    same = await request_change(portal, person, person.email.upper())

    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_current_password"
    assert wrong.json()["errors"] == [{"field": "password", "message": "Неверный текущий пароль"}]
    assert same.status_code == 422 and same.json()["code"] == "email_unchanged"
    assert await portal.letters(new_email) == []
    assert (await portal.post("/profile/email", {"new_email": new_email, "password": "x"})).status_code == 401

    # Another user's link is no link for this one, and only the newest letter's link works.
    assert (await request_change(portal, person, new_email)).status_code == 202
    first = portal.token_of(await change_link(portal, new_email))
    stranger = await portal.signed_in()
    theirs = await portal.post("/profile/email/confirm", {"token": first}, token=stranger.access_token)
    assert theirs.status_code == 400 and theirs.json()["code"] == "invalid_token"
    newer = portal.new_email()
    assert (await request_change(portal, person, newer)).status_code == 202
    stale = await portal.post("/profile/email/confirm", {"token": first}, token=person.access_token)
    assert stale.status_code == 400
    assert (await portal.get("/profile", person.access_token)).json()["email"] == person.email


async def test_an_address_registered_before_the_link_is_opened_is_409(portal: Any) -> None:
    person = await portal.signed_in()
    new_email = portal.new_email()
    assert (await request_change(portal, person, new_email)).status_code == 202
    link = await change_link(portal, new_email)
    await portal.register(new_email.upper())

    response = await portal.post("/profile/email/confirm", {"token": portal.token_of(link)}, token=person.access_token)

    assert response.status_code == 409 and response.json()["code"] == "email_in_use"
    assert (await portal.get("/profile", person.access_token)).json()["email"] == person.email


# ---------- which letters ----------


async def test_letter_preferences_default_to_true_and_keep_what_is_chosen(portal: Any) -> None:
    person = await portal.signed_in()

    default = await call(portal, "GET", "/profile/notifications", person.access_token)
    assert default.status_code == 200
    assert default.json() == dict.fromkeys([*FIVE, "new_sign_in"], True)

    chosen = {**dict.fromkeys(FIVE, True), "debt": False, "bill_issued": False}
    put = await call(portal, "PUT", "/profile/notifications", person.access_token, chosen)
    assert put.status_code == 200
    assert put.json() == {**chosen, "new_sign_in": True}  # left as it was when not sent
    off = await call(portal, "PUT", "/profile/notifications", person.access_token, {**chosen, "new_sign_in": False})
    assert off.json()["new_sign_in"] is False
    assert (await call(portal, "GET", "/profile/notifications", person.access_token)).json() == off.json()
    missing = await call(portal, "PUT", "/profile/notifications", person.access_token, {"debt": False})
    assert missing.status_code == 422


# ---------- a sign-in from a browser not seen before ----------


async def test_a_new_browser_gets_a_letter_and_a_known_one_none(portal: Any) -> None:
    person = await portal.register()
    await portal.post("/auth/email/confirm", {"token": await portal.confirmation_token(person.email)})
    home = network()

    await sign_in(portal, person, agent=CHROME, address=f"{home}.10")  # the first browser: no letter
    await sign_in(portal, person, agent=CHROME, address=f"{home}.11")  # the same browser and network
    assert await portal.letters(person.email, "new_sign_in") == []

    await sign_in(portal, person, agent=FIREFOX, address="192.0.2.44")
    (letter,) = await portal.letters(person.email, "new_sign_in")
    assert letter["params"]["browser"] == "Firefox, Linux"
    assert letter["params"]["client_address"] == "192.0.2.44"
    assert len(letter["params"]["when"]) == len("07.12.2026 10:15")

    # A browser with the gateway's device cookie is known by it wherever it is.
    device = uuid.uuid4().hex + uuid.uuid4().hex[:11]
    await sign_in(portal, person, agent=SAFARI, device=device)
    await sign_in(portal, person, agent=SAFARI, device=device)
    assert len(await portal.letters(person.email, "new_sign_in")) == 2


async def test_no_letter_when_the_subscriber_turned_it_off(portal: Any) -> None:
    person = await portal.signed_in()
    chosen = {**dict.fromkeys(FIVE, True), "new_sign_in": False}
    assert (await call(portal, "PUT", "/profile/notifications", person.access_token, chosen)).status_code == 200

    await sign_in(portal, person, agent=FIREFOX)

    assert await portal.letters(person.email, "new_sign_in") == []


async def test_a_device_id_is_believed_only_from_our_proxy(portal: Any, serve: Any) -> None:
    """`X-Device-Id` is the gateway's word: from any other peer it is ignored, and the browser is
    known by its fingerprint (so a stranger cannot pass as a known device, nor as a new one)."""
    person = await portal.signed_in()
    async with serve(trusted_proxies=[]) as direct:
        for device in ("A" * 43, "B" * 43):
            headers = {"User-Agent": FIREFOX, "X-Device-Id": device}
            body = {"email": person.email, "password": person.password}
            assert (await direct.post(f"{V1}/auth/login", json=body, headers=headers)).status_code == 200
    # The first of the two was a new browser (Firefox from this network); the second the same one.
    assert len(await portal.letters(person.email, "new_sign_in")) == 1


async def test_a_preference_is_json_true_or_false_only(portal: Any) -> None:
    person = await portal.signed_in()
    body = {**dict.fromkeys(FIVE, True), "new_sign_in": 0}
    refused = await call(portal, "PUT", "/profile/notifications", person.access_token, body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].endswith("new_sign_in")
    assert (await call(portal, "GET", "/profile/notifications", person.access_token)).json()["new_sign_in"] is True
