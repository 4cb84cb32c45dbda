"""One-click unsubscribe (RFC 8058; docs/contract.md §4 "Reminders"): the signed link of a
reminder's letter turns that kind of letter off with no session, and every change of the
preferences is announced whole (`identity.letter_preferences.changed.v1`) for notifications.
`GET` says what a link would turn off and changes nothing (the web page asks before it POSTs).
A link that is not one of ours, however it is wrong, is one 400 and counts on the client's
token failures like the other links' tokens."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from pydantic import SecretStr

from lka_common.unsubscribe import sign

CHANGED = "identity.letter_preferences.changed.v1"
V1 = "/api/v1"
ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}
INVALID = "Ссылка для отказа от писем недействительна. Выбрать письма можно в настройках уведомлений личного кабинета"


async def one_click(
    portal: Any, token: str | None, client: httpx.AsyncClient | None = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    # What a mail client sends (RFC 8058 §3.2): a POST with this body, no cookie, no token.
    return await (client or portal.api).post(
        V1 + "/public/unsubscribe",
        params={} if token is None else {"token": token},
        content="List-Unsubscribe=One-Click",
        headers={**ONE_CLICK, **(headers or portal.from_client())},
    )


async def what_it_stops(
    portal: Any, token: str | None, client: httpx.AsyncClient | None = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    params = {} if token is None else {"token": token}
    return await (client or portal.api).get(
        V1 + "/public/unsubscribe", params=params, headers=headers or portal.from_client()
    )


async def chosen(portal: Any, person: Any) -> dict[str, bool]:
    answer: dict[str, bool] = (await portal.get("/profile/notifications", person.access_token)).json()
    return answer


def token_for(portal: Any, person: Any, kind: str) -> str:
    return sign(portal.settings.unsubscribe_secret, uuid.UUID(person.user_id), kind)


def assert_invalid_link(response: httpx.Response, what: str) -> None:
    assert response.status_code == 400, (what, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), what
    assert (response.json()["code"], response.json()["detail"]) == ("invalid_unsubscribe_link", INVALID), what


async def test_the_one_click_link_turns_that_kind_off_without_a_session(portal: Any) -> None:
    person = await portal.signed_in()
    token = token_for(portal, person, "reading_window")

    response = await one_click(portal, token)

    assert response.status_code == 200, response.text
    assert response.json()["message"] == (
        "Готово: напоминания о передаче показаний больше не будут приходить."
        " Включить снова можно в Профиле → Уведомления"
    )
    now = await chosen(portal, person)
    assert now["reading_window"] is False
    assert all(wanted for kind, wanted in now.items() if kind != "reading_window")
    (event,) = await portal.messages(person.user_id, CHANGED)
    assert event["data"]["reading_window"] is False and event["data"]["debt"] is True
    assert (await one_click(portal, token)).status_code == 200  # a second click changes nothing more


async def test_opening_the_link_says_what_it_stops_and_changes_nothing(portal: Any) -> None:
    person = await portal.signed_in()

    answers = {
        kind: await what_it_stops(portal, token_for(portal, person, kind))
        for kind in ("verification_due", "bill_issued", "payment_receipts")
    }

    assert {kind: answer.json() for kind, answer in answers.items()} == {
        "verification_due": {"kind": "verification_due", "letters": "напоминания о поверке прибора учета"},
        "bill_issued": {"kind": "bill_issued", "letters": "уведомления о новых квитанциях"},
        "payment_receipts": {"kind": "payment_receipts", "letters": "квитанции об оплате"},
    }
    assert all((await chosen(portal, person)).values())  # every letter still on
    assert await portal.messages(person.user_id, CHANGED) == []


async def test_a_link_we_did_not_sign_changes_nothing(portal: Any) -> None:
    person = await portal.signed_in()
    token = token_for(portal, person, "debt")
    # One character of the signature changed, then the one holding the kind (which would name
    # another letter if the signature were not checked).
    altered_mac = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    altered_kind = token[:22] + ("A" if token[22] != "A" else "B") + token[23:]
    refused = {
        "another secret": sign(SecretStr("another-secret"), uuid.UUID(person.user_id), "debt"),
        "signature altered": altered_mac,
        "payload altered": altered_kind,
        "cut short": token[:-2],
        "garbage": "garbage",
        "empty": "",
        "missing": None,
        "overlong": token * 5,
    }

    for what, bad in refused.items():
        assert_invalid_link(await one_click(portal, bad), f"POST {what}")
        assert_invalid_link(await what_it_stops(portal, bad), f"GET {what}")
    assert all((await chosen(portal, person)).values())
    assert await portal.messages(person.user_id, CHANGED) == []


async def test_a_link_for_no_profile_is_refused_as_a_forged_one(portal: Any) -> None:
    # Signed by us, for a user id no profile has (or a registration since removed): the same
    # answer as a bad signature, so a link never tells whether a profile exists.
    nobody = sign(portal.settings.unsubscribe_secret, uuid.uuid4(), "debt")
    forged = sign(SecretStr("another-secret"), uuid.uuid4(), "debt")

    for call in (one_click, what_it_stops):
        for_nobody, for_forged = await call(portal, nobody), await call(portal, forged)
        assert_invalid_link(for_nobody, f"{call.__name__} for nobody")
        assert for_nobody.json() == for_forged.json()


async def test_a_link_turns_off_only_what_it_names_for_whom_it_names(portal: Any) -> None:
    # A link forwarded to, or replayed by, someone else: it still names its own person and kind.
    owner, other = await portal.signed_in(), await portal.signed_in()
    owners_debt = token_for(portal, owner, "debt")

    assert (await one_click(portal, owners_debt, headers=portal.from_client())).status_code == 200
    assert (await one_click(portal, owners_debt, headers=portal.from_client())).status_code == 200
    assert (await one_click(portal, token_for(portal, owner, "bill_issued"))).status_code == 200

    assert await chosen(portal, owner) == {
        "reading_window": True,
        "verification_due": True,
        "debt": False,
        "bill_issued": False,
        "payment_receipts": True,
        "new_sign_in": True,
    }
    assert all((await chosen(portal, other)).values())
    assert await portal.messages(other.user_id, CHANGED) == []


async def test_wrong_links_from_one_client_are_limited(portal: Any, serve: Any) -> None:
    person = await portal.signed_in()
    headers = portal.from_client()
    async with serve(token_failures_per_client_per_hour=2) as strict:
        answers = [
            await one_click(portal, "garbage", client=strict, headers=headers),
            await what_it_stops(portal, "", client=strict, headers=headers),
            await one_click(portal, token_for(portal, person, "debt"), client=strict, headers=headers),
        ]
        elsewhere = await one_click(portal, token_for(portal, person, "debt"), client=strict)

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert answers[-1].json()["code"] == "too_many_requests"
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert elsewhere.status_code == 200  # another client address is not held back
