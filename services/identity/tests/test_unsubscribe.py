"""One-click unsubscribe (RFC 8058; docs/contract.md §4 "Reminders"): the signed link of a
reminder's letter turns that kind of letter off with no session, and every change of the
preferences is announced whole (`identity.letter_preferences.changed.v1`) for notifications."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import SecretStr

from lka_common.unsubscribe import sign

CHANGED = "identity.letter_preferences.changed.v1"
V1 = "/api/v1"
ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


async def one_click(portal: Any, token: str) -> Any:
    # What a mail client sends (RFC 8058 §3.2): a POST with this body, no cookie, no token.
    return await portal.api.post(
        V1 + "/public/unsubscribe", params={"token": token}, content="List-Unsubscribe=One-Click", headers=ONE_CLICK
    )


async def test_the_one_click_link_turns_that_kind_off_without_a_session(portal: Any) -> None:
    person = await portal.signed_in()
    token = sign(portal.settings.unsubscribe_secret, uuid.UUID(person.user_id), "reading_window")

    response = await one_click(portal, token)

    assert response.status_code == 200, response.text
    assert "напоминания о передаче показаний больше не будут приходить" in response.json()["message"]
    chosen = (await portal.get("/profile/notifications", person.access_token)).json()
    assert chosen["reading_window"] is False
    assert all(wanted for kind, wanted in chosen.items() if kind != "reading_window")
    (event,) = await portal.messages(person.user_id, CHANGED)
    assert event["data"]["reading_window"] is False and event["data"]["debt"] is True
    assert (await one_click(portal, token)).status_code == 200  # a second click changes nothing more


async def test_a_link_we_did_not_sign_changes_nothing(portal: Any) -> None:
    person = await portal.signed_in()
    forged = sign(SecretStr("another-secret"), uuid.UUID(person.user_id), "debt")
    unknown = sign(portal.settings.unsubscribe_secret, uuid.uuid4(), "debt")

    for token in (forged, unknown, "garbage", forged[:-2]):
        response = await one_click(portal, token)
        assert response.status_code == 400, token
        assert response.json()["code"] == "invalid_unsubscribe_link"
    assert (await portal.get("/profile/notifications", person.access_token)).json()["debt"] is True
    assert await portal.messages(person.user_id, CHANGED) == []


async def test_a_change_in_the_profile_is_announced_whole(portal: Any) -> None:
    person = await portal.signed_in()
    headers = {**portal.from_client(), **portal.bearer(person.access_token)}
    chosen = {"reading_window": True, "verification_due": False, "debt": True, "bill_issued": True}
    chosen |= {"payment_receipts": True}

    response = await portal.api.put(V1 + "/profile/notifications", json=chosen, headers=headers)

    assert response.status_code == 200
    (event,) = await portal.messages(person.user_id, CHANGED)
    assert event["data"] == {
        **chosen,
        "new_sign_in": True,
        "user_id": person.user_id,
        "changed_at": event["data"]["changed_at"],
    }
