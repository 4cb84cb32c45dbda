"""The operators' pages in a real browser (Debian's headless Chromium, driven by Playwright),
checked as the two people involved would: a subscriber files two link requests the portal cannot
verify (wrong letters of the owner's surname, an account number billing does not know) and a
message through «Обратная связь»; an operator of the supplier signs in, finds the requests in
«Заявки» (each card says who asked by a masked e-mail, never a user id), rejects one with a
comment and approves the other, each after a confirmation, reads the message in «Обратная связь» and
looks the account up in «Реестр счетов»; the subscriber then sees the outcome on «Мои счета»:
the approved account listed (its request no longer), the rejected request with the reason and
«Редактировать». A subscriber who opens an operator's address is shown no operator data.

Staff are not subscribers: the operator's header has their work and their profile, never
«Мои счета» or «Показания» (their «Платежи» looks subscribers' payments up); at 1280 px the
links share one row, at 360 px they fold behind «Меню» with no sideways scroll. Every page is
watched for console errors and CSP violations; screenshots at 1280 and 360 px wide land in
`var/screenshots/` (git-ignored).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

import httpx
import pytest
from operator_support import make_operator, registry_entry
from playwright.async_api import Locator, Page, Request, expect
from web_support import DESKTOP, PHONE, SHOTS, chromium, heading, menu, shoot, signed_in

from lka_common.testing.portal import new_address, register_and_confirm
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

# The billing simulator's demo account Ялта 91000202 (Ёлкина А. П., tools/billing_simulator/README.md):
# the letters «Абв» do not prove it, so linking it makes a request for an operator.
YALTA, YALTA_CODE, YALTA_NUMBER = "Городской округ Ялта", "yalta", "91000202"
SUDAK = "Городской округ Судак"
REQUEST_CREATED = "Создана заявка на добавление счета к учетной записи"
FEEDBACK_SENT = "Ваше обращение отправлено в ГУП РК «Крымэнерго». Спасибо за отзыв!"
FEEDBACK_TOPIC = "Лицевые счета"
OPERATOR_LINKS = ["Заявки", "Обращения", "Обратная связь", "Реестр счетов"]
MENU = [*OPERATOR_LINKS, "Профиль"]
SUBSCRIBER_MENU = ["Мои счета", "Платежи", "Показания", "Квитанции", "Обращения", "Профиль", "Обратная связь"]
NOT_ALLOWED = "Этот раздел доступен только операторам ГУП РК «Крымэнерго»."


async def test_an_operator_reviews_link_requests_and_reads_feedback_in_the_browser(
    stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    gateway = stack.gateway
    operator_email, subscriber_email = new_address(), new_address()
    member = await make_operator(stack_env[0], operator_email)
    async with httpx.AsyncClient(base_url=gateway, timeout=15) as http:
        await register_and_confirm(http, stack.mail, subscriber_email)
        # The demo accounts are published as the stack starts: the operator's lookup below needs Ялта taken in.
        await registry_entry(http, await member.sign_in(http), (YALTA_CODE, YALTA_NUMBER))
    unknown = f"98{secrets.randbelow(10**8):08d}"  # an account number billing does not know
    comment = f"Лицевой счет № {unknown} не найден в биллинге. Проверьте номер по квитанции ({secrets.token_hex(3)})"
    message = f"Не могу привязать счет, помогите, пожалуйста ({secrets.token_hex(3)})"

    async with chromium() as browser:
        subscriber, subscriber_watch = await signed_in(browser, gateway, subscriber_email, "Мои счета")
        # Staff start on their work queue: they have no accounts of their own.
        operator, operator_watch = await signed_in(
            browser, gateway, operator_email, "Заявки на добавление счетов", member
        )
        try:
            await subscriber_files_requests_and_feedback(subscriber, unknown, message)
            await subscriber_sees_no_operator_data(subscriber, gateway, message)
            await operator_menu_fits(operator)
            await operator_reviews_requests(operator, unknown, comment)
            await operator_reads_feedback(operator, subscriber_email, message)
            await operator_looks_up_the_registry(operator)
            await subscriber_sees_the_outcome(subscriber, unknown, comment)
            subscriber_watch.assert_clean("the subscriber's pages")
            operator_watch.assert_clean("the operator's pages")
        finally:
            await subscriber.context.close()
            await operator.context.close()


def request_card(where: Locator, number: str) -> Locator:
    """A link request's card in `where`: the operator's «main», the subscriber's requests section."""
    return where.get_by_role("listitem").filter(has=where.page.get_by_text(f"Лицевой счет № {number}", exact=True))


def subscriber_requests(page: Page) -> Locator:
    return page.get_by_role("region", name="Заявки на добавление счетов")


async def add_account(page: Page, region: str, number: str, *, amount: str = "", letters: str = "") -> None:
    """«Добавить» on «Мои счета» with one of the two proofs."""
    await page.get_by_role("button", name="Добавить", exact=True).click()
    adding = page.locator("#add-account")
    await expect(adding.get_by_role("heading", name="Добавление лицевого счета")).to_be_visible()
    await adding.get_by_label("Регион").select_option(label=region)
    await adding.get_by_label("Номер лицевого счета").fill(number)
    if letters:
        await adding.get_by_role("radio", name="Первые три буквы фамилии владельца").check()
        await adding.get_by_role("textbox", name="Первые три буквы фамилии владельца").fill(letters)
    else:
        await adding.get_by_role("textbox", name="Сумма последнего платежа").fill(amount)
    await adding.get_by_role("button", name="Добавить", exact=True).click()
    await expect(page.get_by_role("status").filter(has_text=REQUEST_CREATED)).to_be_visible()
    await expect(adding).to_be_hidden()


async def subscriber_files_requests_and_feedback(page: Page, unknown: str, message: str) -> None:
    # Wrong letters for a demo account, and a number billing does not know: both wait for an operator.
    await add_account(page, YALTA, YALTA_NUMBER, letters="Абв")
    await add_account(page, SUDAK, unknown, amount="100,00")
    await expect(page.get_by_role("heading", level=2, name="Заявки на добавление счетов")).to_be_visible()
    for number, region in ((YALTA_NUMBER, YALTA), (unknown, SUDAK)):
        card = request_card(subscriber_requests(page), number)
        await expect(card).to_contain_text(region)
        await expect(card).to_contain_text("На рассмотрении")
    await expect(page.get_by_text("У Вас пока нет привязанных лицевых счетов")).to_be_visible()

    # «Обратная связь», signed in: topic and message; the answer goes to the profile's address.
    await menu(page).get_by_role("link", name="Обратная связь").click()
    await heading(page, "Обратная связь")
    await page.get_by_label("Тема").select_option(label=FEEDBACK_TOPIC)
    await page.get_by_label("Сообщение").fill(message)
    await page.get_by_role("button", name="Отправить").click()
    await expect(page.get_by_role("status").filter(has_text=FEEDBACK_SENT)).to_be_visible()


async def subscriber_sees_no_operator_data(page: Page, gateway: str, message: str) -> None:
    """The operators' addresses, opened by a subscriber: a refusal, and nothing asked of the API."""
    await expect(menu(page).get_by_role("link")).to_have_text(SUBSCRIBER_MENU)
    # «Обращения» and «Обратная связь» are the subscriber's own pages too: no link leads to the staff's.
    await expect(menu(page).locator('a[href^="/operator/"]')).to_have_count(0)
    for label in ("Заявки", "Реестр счетов"):
        await expect(menu(page).get_by_role("link", name=label)).to_have_count(0)
    asked: list[str] = []

    def note(request: Request) -> None:
        if urlsplit(request.url).path.startswith("/api/v1/operator/"):
            asked.append(request.url)

    page.on("request", note)
    for path, title in (
        ("/operator/link-requests", "Заявки на добавление счетов"),
        ("/operator/feedback", "Сообщения обратной связи"),
        ("/operator/appeals", "Обращения абонентов"),
        ("/operator/billing-accounts", "Реестр лицевых счетов"),
    ):
        await page.goto(f"{gateway}{path}")
        await heading(page, "Недостаточно прав")
        main = page.get_by_role("main")
        await expect(main).to_contain_text(NOT_ALLOWED)
        await expect(page.get_by_role("heading", name=title)).to_have_count(0)
        await expect(main).not_to_contain_text(message)
        await expect(main.get_by_role("button")).to_have_count(0)
        await expect(main.get_by_role("listitem")).to_have_count(0)
        if path == "/operator/link-requests":
            await shoot(page, "operator-refused")
    page.remove_listener("request", note)
    assert asked == [], asked
    # Nor does the API answer the subscriber's session there.
    for path in ("/api/v1/operator/link-requests?status=pending", "/api/v1/operator/feedback"):
        refused = await page.request.get(f"{gateway}{path}")
        assert refused.status == 403, (path, refused.status, await refused.text())


async def operator_menu_fits(page: Page) -> None:
    """The work's links, then «Профиль»: at 1280 px on one row, beside the brand while there are
    five at most, else on a row of their own under it (Layout.tsx), the exit on the brand's row at
    the right; behind «Меню» at 360 px, no sideways scroll."""
    links = menu(page).get_by_role("link")
    await expect(links.first).to_have_text(MENU[0])
    texts = await links.all_inner_texts()
    # Other work may have its links between these (the finance pages): ours in order, «Профиль» last.
    assert [text for text in texts if text in MENU] == MENU and texts[-1] == "Профиль", texts
    await expect(page.get_by_role("button", name="Меню")).to_be_hidden()
    tops: set[int] = set()
    for link in await links.all():
        box = await link.bounding_box()
        assert box is not None
        tops.add(round(box["y"]))
    assert len(tops) == 1, f"the operator's menu wraps at 1280 px: link tops {sorted(tops)}"
    link_box = await links.first.bounding_box()
    brand_box = await page.get_by_role("banner").get_by_role("link", name=re.compile("Крымэнерго")).bounding_box()
    exit_box = await page.get_by_role("button", name="Выход").bounding_box()
    assert link_box is not None and brand_box is not None and exit_box is not None
    if len(texts) <= 5:
        assert link_box["x"] > brand_box["x"] + brand_box["width"], "the links are not beside the brand"
    else:
        assert link_box["y"] >= brand_box["y"] + brand_box["height"], "the links are not under the brand"
    assert exit_box["y"] < brand_box["y"] + brand_box["height"], "the exit button is not on the brand's row"
    assert exit_box["x"] > link_box["x"] + 600, "the exit button is not at the right"
    await page.screenshot(path=str(SHOTS / "operator-header-1280.png"))

    await page.set_viewport_size(PHONE)
    toggle = page.get_by_role("button", name="Меню")
    await toggle.click()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    for label in MENU:
        await expect(menu(page).get_by_role("link", name=label, exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="Выход")).to_be_visible()
    fits = await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the open menu scrolls sideways at 360 px"
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / "operator-menu-360.png"), full_page=True)
    await toggle.click()
    await expect(menu(page)).to_be_hidden()
    await page.set_viewport_size(DESKTOP)


async def operator_reviews_requests(page: Page, unknown: str, comment: str) -> None:
    await menu(page).get_by_role("link", name="Заявки").click()
    await heading(page, "Заявки на добавление счетов")
    await expect(page.get_by_label("Статус")).to_have_value("pending")
    main = page.get_by_role("main")
    yalta, sudak = request_card(main, YALTA_NUMBER), request_card(main, unknown)
    for card, region in ((yalta, YALTA), (sudak, SUDAK)):
        await expect(card).to_contain_text(region)
        await expect(card).to_contain_text("На рассмотрении")
        # Who asked: the address masked (every test address starts «abonent-»), never a user id.
        created = r"Создана \d\d\.\d\d\.\d{4}, \d\d:\d\d · абонент ab\*\*\*@example\.ru"
        await expect(card).to_contain_text(re.compile(created))
        await expect(card.get_by_role("button", name="Одобрить")).to_be_visible()
    await shoot(page, "operator-requests")

    # «Отклонить»: a dialog; the reason is required, and the subscriber will read it.
    await sudak.get_by_role("button", name="Отклонить", exact=True).click()
    dialog = page.get_by_role("dialog", name="Отклонить заявку?")
    reason = dialog.get_by_label("Причина отказа (ее увидит абонент)")
    await expect(reason).to_be_visible()
    await dialog.get_by_role("button", name="Отклонить заявку").click()
    await expect(reason).to_have_accessible_description("Укажите причину отказа")
    await reason.fill(comment)
    await shoot(page, "operator-reject")
    await dialog.get_by_role("button", name="Отклонить заявку").click()
    await expect(page.get_by_role("status").filter(has_text=f"Заявка по счету № {unknown} отклонена")).to_be_visible()
    await expect(sudak).to_have_count(0)

    await yalta.get_by_role("button", name="Одобрить").click()
    await page.get_by_role("dialog", name="Одобрить заявку?").get_by_role("button", name="Одобрить").click()
    approved = f"Заявка по счету № {YALTA_NUMBER} одобрена: счет привязан"
    await expect(page.get_by_role("status").filter(has_text=approved)).to_be_visible()
    await expect(yalta).to_have_count(0)
    await expect(page.get_by_text("Заявок нет.")).to_be_visible()

    # The other statuses keep the outcome, with the operator's comment.
    await page.get_by_label("Статус").select_option(label="Отклонена")
    await expect(sudak.locator(".badge")).to_have_text("Отклонена")
    await expect(sudak).to_contain_text(f"Комментарий: {comment}")
    await expect(sudak.get_by_role("button")).to_have_count(0)
    await shoot(page, "operator-requests-rejected")
    await page.get_by_label("Статус").select_option(label="Одобрена")
    await expect(yalta.locator(".badge")).to_have_text("Одобрена")
    await expect(yalta.get_by_role("button")).to_have_count(0)


async def operator_reads_feedback(page: Page, subscriber_email: str, message: str) -> None:
    await menu(page).get_by_role("link", name="Обратная связь").click()
    await heading(page, "Сообщения обратной связи")
    item = page.get_by_role("listitem").filter(has_text=message)
    await expect(item).to_have_count(1)
    await expect(item).to_contain_text(FEEDBACK_TOPIC)
    await expect(item).to_contain_text(re.compile(rf"\d\d\.\d\d\.\d{{4}}, \d\d:\d\d · {re.escape(subscriber_email)}"))
    await expect(item).to_contain_text("абонент личного кабинета")
    await shoot(page, "operator-feedback")


async def operator_looks_up_the_registry(page: Page) -> None:
    await menu(page).get_by_role("link", name="Реестр счетов").click()
    await heading(page, "Реестр лицевых счетов")
    await page.get_by_role("button", name="Найти").click()
    await expect(page.get_by_role("alert")).to_contain_text("Укажите регион и номер лицевого счета")
    await page.get_by_label("Регион").select_option(label=YALTA)
    await page.get_by_label("Номер лицевого счета").fill(YALTA_NUMBER)
    await page.get_by_role("button", name="Найти").click()
    found = page.get_by_role("region", name="Найденный счет")
    await expect(found.get_by_role("heading", name=f"Лицевой счет № {YALTA_NUMBER}")).to_be_visible()
    facts = {
        "Владелец": "Ёлкина А. П.",
        "Адрес": "г. Ялта, ул. Набережная им. Ленина, д. 3, кв. 14",
        "Задолженность": r"845,15\s₽",
        "Пеня": r"12,30\s₽",
        "К оплате": r"857,45\s₽",
        "Последний платеж": r"950,00\s₽ от 20\.10\.2026",
    }
    for term, value in facts.items():
        pair = found.locator("dl > div").filter(has=page.get_by_text(term, exact=True))
        await expect(pair.locator("dd")).to_have_text(re.compile(value))
    await shoot(page, "operator-billing")


async def subscriber_sees_the_outcome(page: Page, unknown: str, comment: str) -> None:
    await menu(page).get_by_role("link", name="Мои счета").click()
    await heading(page, "Мои счета")
    account = page.locator("article", has=page.get_by_role("heading", name=f"Лицевой счет № {YALTA_NUMBER}"))
    await expect(account).to_contain_text(YALTA)
    await expect(account).to_contain_text("К оплате")
    requests = subscriber_requests(page)
    await expect(request_card(requests, YALTA_NUMBER)).to_have_count(0)  # decided: its account is listed instead
    rejected = request_card(requests, unknown)
    await expect(rejected.locator(".badge")).to_have_text("Отклонена")
    await expect(rejected).to_contain_text(f"Комментарий оператора: {comment}")
    await expect(rejected.get_by_role("button", name=re.compile("^Редактировать"))).to_be_visible()
    await expect(rejected.get_by_role("button", name=re.compile("^Отозвать"))).to_be_visible()
    await shoot(page, "subscriber-requests-reviewed")
