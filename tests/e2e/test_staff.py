"""Staff management and staff sign-in with a second factor, end to end (docs/contract.md §4,
issue 19): the whole stack as `make run` starts it, the letters read from the mail catcher.

In Chromium, where a person sees it: the first supervisor (made by `make operator … ROLE=supervisor`,
signed in with the code computed from the `otpauth://` line it printed) invites an operator on
«Сотрудники»; the operator opens the letter's link, sets a password, and is shown the QR code
(an image the page's CSP allows, actually drawn), the key and ten recovery codes once — opened
again, the link shows the form, and it no longer works; the operator then signs in with a code
computed by pyotp from the URI the page showed. Through the API: the same code again is refused,
a recovery code signs in once, operators and subscribers cannot reach staff management (403), and
once the supervisor disables the operator their live session is refused within 1 s by the gateway
and by a service called directly. The whole story, the reads included, is in `GET /operator/audit`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import httpx
import pyotp
import pytest
from operator_support import enter_code, make_operator
from playwright.async_api import Browser, Page, expect
from web_support import Watch, chromium, heading, shoot, visitor

from lka_common.testing import events
from lka_common.testing.portal import (
    STAFF_PASSWORD,
    StaffMember,
    bearer,
    letter,
    new_address,
    new_subscriber,
    token_from,
    totp_code,
)
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

eventually = partial(events.eventually, timeout=20, interval=0.3)
INVITATION_SUBJECT = "Приглашение сотрудника в личный кабинет"
OPERATOR_HOME = "Заявки на добавление счетов"
REVOKED_WITHIN_S = 1.0


async def test_a_supervisor_invites_an_operator_who_enrols_signs_in_and_is_disabled(
    stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    gateway = stack.gateway
    supervisor = await make_operator(stack_env[0], new_address(), STAFF_PASSWORD, role="supervisor")
    operator_email = new_address()

    async with chromium() as browser:
        supervisor_page, supervisor_watch = await signed_in_browser(browser, gateway, supervisor)
        operator_page, operator_watch = await page_of(browser, gateway)
        try:
            await invites(supervisor_page, operator_email)
            async with httpx.AsyncClient(base_url=gateway, timeout=15) as http:
                token = token_from(await letter(http, stack.mail, operator_email, INVITATION_SUBJECT), "/staff/accept")
            operator = await enrols(operator_page, operator_watch, gateway, token, operator_email)
            supervisor_watch.assert_clean("the supervisor's pages")
            operator_watch.assert_clean("the operator's pages")
        finally:
            await supervisor_page.context.close()
            await operator_page.context.close()

    async with httpx.AsyncClient(base_url=gateway, timeout=15) as http:
        supervisor_headers = await supervisor.sign_in(http)
        operator_id = await api_sign_ins(http, operator)
        live = await operator.sign_in(http)
        await staff_routes_are_supervisors_only(http, stack, live)
        await disabling_ends_the_live_session_within_a_second(http, stack, supervisor_headers, operator_id, live)
        await the_story_is_in_the_audit(http, supervisor_headers, operator_id, supervisor)


async def page_of(browser: Browser, gateway: str) -> tuple[Page, Watch]:
    page = await (await visitor(browser)).new_page()
    watch = Watch(gateway)
    watch.attach(page)
    return page, watch


async def signed_in_browser(browser: Browser, gateway: str, member: StaffMember) -> tuple[Page, Watch]:
    """«Авторизация» in two steps: the password, then the code from the app."""
    page, watch = await page_of(browser, gateway)
    await page.goto(f"{gateway}/")
    await sign_in_here(page, member)
    return page, watch


async def sign_in_here(page: Page, member: StaffMember) -> None:
    await heading(page, "Авторизация")
    await page.get_by_label("Адрес электронной почты").fill(member.email)
    await page.get_by_label("Пароль", exact=True).fill(member.password)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("heading", name="Подтверждение входа")).to_be_visible()
    await enter_code(page, member)
    await heading(page, OPERATOR_HOME)


async def invites(page: Page, email: str) -> None:
    """«Сотрудники» from the supervisor's menu: the invitation form, the answer, the list."""
    await page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="Сотрудники").click()
    await heading(page, "Сотрудники")
    form = page.get_by_role("region", name="Пригласить сотрудника")
    await form.get_by_label("Адрес электронной почты").fill(email)
    await form.get_by_label("Роль").select_option(label="Оператор")
    await form.get_by_role("button", name="Пригласить").click()
    await expect(form.get_by_role("status").filter(has_text=f"Приглашение отправлено на {email}")).to_be_visible()
    await shoot(page, "staff-list")


async def enrols(page: Page, watch: Watch, gateway: str, token: str, email: str) -> StaffMember:
    """The letter's link: a password twice, then the QR code, the key and ten codes, once."""
    accept = f"{gateway}/staff/accept?token={token}"
    await page.goto(accept)
    await heading(page, "Приглашение сотрудника")
    await page.get_by_label("Пароль", exact=True).fill(STAFF_PASSWORD)
    await page.get_by_label("Повторите пароль").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Задать пароль").click()
    await heading(page, "Подключение приложения-аутентификатора")

    qr = page.get_by_role("img", name="QR-код для приложения-аутентификатора")
    await expect(qr).to_be_visible()
    drawn = await qr.evaluate("(img) => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0")
    assert drawn, "the QR code's image was not drawn (refused by the CSP?)"
    await page.get_by_text("Ссылка для приложения").click()
    uri = (await page.locator(".enrolment-uri code").text_content() or "").strip()
    assert uri.startswith("otpauth://totp/"), uri
    totp = pyotp.parse_uri(uri)
    assert isinstance(totp, pyotp.TOTP) and (totp.digits, totp.interval) == (6, 30)
    key = (await page.locator(".enrolment-secret").text_content() or "").replace(" ", "")
    assert key == totp.secret
    codes = await page.get_by_role("list", name="Резервные коды").get_by_role("listitem").all_text_contents()
    assert len(set(codes)) == 10, codes
    await expect(page.get_by_text("Коды показываются один раз")).to_be_visible()
    await shoot(page, "staff-enrolment")

    # Shown once: the page opened again has the form and no codes, and the link is spent.
    await page.goto(accept)
    await heading(page, "Приглашение сотрудника")
    assert await page.get_by_role("list", name="Резервные коды").count() == 0
    watch.expected.add((400, "/api/v1/staff/invitations/accept"))
    await page.get_by_label("Пароль", exact=True).fill(STAFF_PASSWORD)
    await page.get_by_label("Повторите пароль").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Задать пароль").click()
    await expect(page.get_by_role("alert").filter(has_text="Ссылка недействительна или устарела")).to_be_visible()

    member = StaffMember(email, STAFF_PASSWORD, uri, codes)
    await page.goto(f"{gateway}/")
    await sign_in_here(page, member)
    return member


async def login(http: httpx.AsyncClient, member: StaffMember) -> str:
    first = await http.post("/api/v1/auth/login", json={"email": member.email, "password": member.password})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["mfa_required"] is True and "access_token" not in body, body
    return str(body["mfa_token"])


async def second_step(http: httpx.AsyncClient, mfa_token: str, code: str) -> httpx.Response:
    return await http.post("/api/v1/auth/login/mfa", json={"mfa_token": mfa_token, "code": code})


async def api_sign_ins(http: httpx.AsyncClient, operator: StaffMember) -> str:
    """A TOTP code signs in once; a recovery code signs in once. Returns the operator's user id."""
    code = await totp_code(operator.otpauth_uri)
    signed_in = await second_step(http, await login(http, operator), code)
    assert signed_in.status_code == 200, signed_in.text
    again = await second_step(http, await login(http, operator), code)
    assert (again.status_code, again.json()["code"]) == (401, "invalid_mfa_code")

    recovery = operator.recovery_codes[0]
    with_recovery = await second_step(http, await login(http, operator), recovery)
    assert with_recovery.status_code == 200, with_recovery.text
    recovery_again = await second_step(http, await login(http, operator), recovery)
    assert (recovery_again.status_code, recovery_again.json()["code"]) == (401, "invalid_mfa_code")

    profile = await http.get("/api/v1/profile", headers=bearer(signed_in.json()))
    assert profile.json()["role"] == "operator"
    return str(profile.json()["user_id"])


async def staff_routes_are_supervisors_only(http: httpx.AsyncClient, stack: Stack, operator: dict[str, str]) -> None:
    """Operators cannot reach staff management, subscribers no staff route at all: 403."""
    subscriber = await new_subscriber(http, stack.mail)
    somebody = uuid.uuid4()
    calls: list[Callable[[dict[str, str]], Awaitable[httpx.Response]]] = [
        lambda h: http.get("/api/v1/staff", headers=h),
        lambda h: http.post("/api/v1/staff/invitations", json={"email": new_address(), "role": "operator"}, headers=h),
        lambda h: http.post(f"/api/v1/staff/{somebody}/disable", headers=h),
        lambda h: http.post(f"/api/v1/staff/{somebody}/enable", headers=h),
        lambda h: http.post(f"/api/v1/staff/{somebody}/reset-mfa", headers=h),
        lambda h: http.get("/api/v1/operator/audit", headers=h),
    ]
    for who, headers in (("operator", operator), ("subscriber", subscriber.headers)):
        statuses = [(await call(headers)).status_code for call in calls]
        assert statuses == [403] * len(calls), (who, statuses)
    for path in ("/api/v1/operator/link-requests", "/api/v1/operator/feedback"):
        assert (await http.get(path, headers=subscriber.headers)).status_code == 403, path


async def disabling_ends_the_live_session_within_a_second(
    http: httpx.AsyncClient, stack: Stack, supervisor: dict[str, str], operator_id: str, live: dict[str, str]
) -> None:
    through_gateway = "/api/v1/operator/feedback"
    direct = stack.url(8002) + "/api/v1/operator/link-requests"  # accounts, called directly
    async with httpx.AsyncClient(timeout=10) as raw:
        assert (await http.get(through_gateway, headers=live)).status_code == 200
        assert (await raw.get(direct, headers=live)).status_code == 200

        disabled = await http.post(f"/api/v1/staff/{operator_id}/disable", headers=supervisor)
        since = time.monotonic()
        assert disabled.status_code == 200, disabled.text
        assert disabled.json()["status"] == "disabled"

        async def refused_after(call: Callable[[], Awaitable[httpx.Response]]) -> float:
            while time.monotonic() - since < 5:
                if (await call()).status_code == 401:
                    return time.monotonic() - since
                await asyncio.sleep(0.05)
            raise AssertionError("the disabled operator's session was still accepted after 5 s")

        at_gateway = await refused_after(lambda: http.get(through_gateway, headers=live))
        at_service = await refused_after(lambda: raw.get(direct, headers=live))
    assert at_gateway <= REVOKED_WITHIN_S, f"refused by the gateway after {at_gateway:.2f} s"
    assert at_service <= REVOKED_WITHIN_S, f"refused by accounts after {at_service:.2f} s"
    listed = (await http.get("/api/v1/staff?limit=200", headers=supervisor)).json()
    assert [m["status"] for m in listed if m["user_id"] == operator_id] == ["disabled"]


async def the_story_is_in_the_audit(
    http: httpx.AsyncClient, supervisor: dict[str, str], operator_id: str, supervisor_member: StaffMember
) -> None:
    profile = (await http.get("/api/v1/profile", headers=supervisor)).json()
    supervisor_id = profile["user_id"]

    async def search(**query: str) -> set[tuple[str, str, str, str | None]]:
        found = await http.get("/api/v1/operator/audit", params={**query, "limit": "200"}, headers=supervisor)
        assert found.status_code == 200, found.text
        return {(r["service"], r["action"], r["outcome"], r["object_id"]) for r in found.json()}

    def holds(wanted: set[tuple[str, str, str, str | None]]) -> Callable[..., Awaitable[Any]]:
        async def probe(**query: str) -> Any:
            kinds = await search(**query)
            return kinds if wanted <= kinds else None

        return probe

    operators_own = {
        ("identity", "staff.sign_in.totp", "ok", operator_id),
        ("identity", "staff.sign_in.totp", "refused:invalid_mfa_code", operator_id),
        ("identity", "staff.sign_in.recovery_code", "ok", operator_id),
        ("identity", "staff.sign_in.recovery_code", "refused:invalid_mfa_code", operator_id),
        ("identity", "staff.list", "refused:forbidden", None),
    }
    by_operator = await eventually(lambda: holds(operators_own)(actor_user_id=operator_id), "the operator's records")
    assert any(kind[1] == "staff.invitation.accept" and kind[2] == "ok" for kind in by_operator), by_operator

    about_operator = {
        ("identity", "staff.read", "ok", operator_id),  # the supervisor's read of the list
        ("identity", "staff.disable", "ok", operator_id),
    }
    await eventually(lambda: holds(about_operator)(object_id=operator_id), "the records about the operator")

    wanted = {
        ("staff.invite", "ok"),
        ("staff.list", "ok"),
        ("staff.read", "ok"),
        ("staff.disable", "ok"),
        ("staff.sign_in.totp", "ok"),
        ("audit.search", "ok"),
    }

    async def supervisors_story() -> set[tuple[str, str, str, str | None]] | None:
        kinds = await search(actor_user_id=supervisor_id)
        return kinds if wanted <= {(kind[1], kind[2]) for kind in kinds} else None

    supervisors_own = await eventually(supervisors_story, "the supervisor's records")
    assert supervisor_member.email not in str(supervisors_own)  # records name ids, never addresses
