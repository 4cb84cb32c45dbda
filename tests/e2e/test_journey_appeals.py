"""Appeals (обращения, issue 25) as the two people involved live them, in a real browser (Debian's
headless Chromium, driven by Playwright) through the whole stack.

A subscriber opens «Обращения», files «Новое обращение» about their account with a photo (GPS in
its EXIF) and a PDF: the browser refuses a program named .jpg and a 6 MiB file before anything is
sent, and shows the service's own sentence for a PDF that only looks like one. They see the
appeal's number and due date. An operator signs in with the code of the app, finds it in the
desk's queue (filters by status, «Только мои»), takes it («Взять в работу») and answers with a
file. The subscriber follows the link of the answer's letter to the appeal's page, reads the
answer and downloads its file, replies (said to reopen the appeal) and closes it after a
confirmation.

Every page is watched for console errors and CSP violations; screenshots at 1280, 375 and 360 px
wide land in `var/screenshots/` (git-ignored), with no sideways scroll at either phone width.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from operator_support import make_operator
from playwright.async_api import Locator, Page, expect
from web_support import chromium, fits, heading, menu, plain, signed_in

from lka_common.testing.files import executable, photo_with_gps, small_pdf
from lka_common.testing.portal import letter, new_address, register_and_confirm, sign_in
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

# The billing simulator's demo account Симферополь 91000101 (Иванов, tools/billing_simulator/README.md).
SIMFEROPOL_CODE, SIMFEROPOL_NUMBER, SIMFEROPOL_LETTERS = "simferopol", "91000101", "ИВА"
SUBSCRIBER_MENU = ["Мои счета", "Платежи", "Показания", "Квитанции", "Обращения", "Профиль", "Обратная связь"]
STAFF_LINKS = ["Заявки", "Обращения", "Обратная связь", "Профиль"]
TOPIC = "Показания приборов учета"
FILES = "Файлы (необязательно)"
UNSUPPORTED = "Можно приложить только изображения JPEG и PNG или документы PDF"
TOO_LARGE = "Размер каждого файла не должен превышать 5 МБ"
REGISTERED = re.compile(r"Обращение № (\d{4}-\d{6}) зарегистрировано\. Ответ будет дан не позднее (\d\d\.\d\d\.\d{4})")
REOPENS = "Если Вы ответите, обращение снова будет передано в работу"
MiB = 1024 * 1024


async def test_an_appeal_from_filing_to_closing_in_the_browser(
    stack: Stack, stack_env: tuple[dict[str, str], str, int], tmp_path: Path
) -> None:
    gateway = stack.gateway
    email = new_address()
    member = await make_operator(stack_env[0], new_address())
    async with httpx.AsyncClient(base_url=gateway, timeout=15) as http:
        await register_and_confirm(http, stack.mail, email)
        tokens = await sign_in(http, email)
        body = {"region_code": SIMFEROPOL_CODE, "number": SIMFEROPOL_NUMBER, "surname_prefix": SIMFEROPOL_LETTERS}
        linked = await http.post(
            "/api/v1/accounts", json=body, headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        assert linked.status_code == 201, linked.text
        account_id = str(linked.json()["account"]["id"])
    files = write_files(tmp_path)
    question = "Счетчик не принимает показания за декабрь: фото и квитанция во вложении."
    answer = "Показания приняты вручную, акт сверки во вложении."

    async with chromium() as browser:
        subscriber, subscriber_watch = await signed_in(browser, gateway, email, "Мои счета")
        operator, operator_watch = await signed_in(
            browser, gateway, member.email, "Заявки на добавление счетов", member
        )
        try:
            subscriber_watch.expected.add((422, "/api/v1/appeals"))  # the PDF that only looks like one
            number, due = await subscriber_files_an_appeal(subscriber, files, account_id, question)
            await operator_takes_and_answers(operator, number, question, answer, files)
            path = await letter_link(gateway, stack.mail, email, number)
            await subscriber_reads_the_answer_replies_and_closes(subscriber, gateway, path, number, due, answer)
            subscriber_watch.assert_clean("the subscriber's pages")
            operator_watch.assert_clean("the operator's pages")
        finally:
            await subscriber.context.close()
            await operator.context.close()


def write_files(where: Path) -> dict[str, Path]:
    """The files a person has at hand: a photo, a receipt, an act; and three the portal refuses."""
    content = {
        "Фото счетчика.jpg": photo_with_gps(),
        "квитанция.pdf": small_pdf(),
        "акт сверки.pdf": small_pdf(),
        "photo.jpg": executable(),  # a program named as a photo
        "скан.pdf": b"%PDF-1.4\n" + b"0" * (6 * MiB),  # too large
        "черновик.pdf": b"%PDF-1.4\nthe rest is missing",  # starts as a PDF, is none: the service says so
    }
    files = {}
    for name, data in content.items():
        files[name] = where / name
        files[name].write_bytes(data)
    return files


def fact(page: Page, term: str) -> Locator:
    """The value of one of the appeal's facts («Статус», «Ответ не позднее»…)."""
    facts = page.get_by_role("region", name="Сведения об обращении")
    return facts.locator("dl > div").filter(has=page.get_by_text(term, exact=True)).locator("dd")


def message(page: Page, author: str) -> Locator:
    """The conversation's messages by `author` («Вы», «Абонент», «ГУП РК «Крымэнерго»»…)."""
    return page.get_by_role("article", name=re.compile(f"^{re.escape(author)}, "))


def appeal_row(page: Page, number: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=f"Обращение № {number}"))


async def subscriber_files_an_appeal(page: Page, files: dict[str, Path], account_id: str, text: str) -> tuple[str, str]:
    await expect(menu(page).get_by_role("link")).to_have_text(SUBSCRIBER_MENU)
    await menu(page).get_by_role("link", name="Обращения").click()
    await heading(page, "Обращения")
    await expect(page.get_by_text("Обращений пока нет.")).to_be_visible()
    await fits(page, "appeals-empty")

    await page.get_by_role("link", name="Новое обращение").click()
    await heading(page, "Новое обращение")
    # Nothing filled in: said next to each field.
    await page.get_by_role("button", name="Отправить обращение").click()
    await expect(page.get_by_label("Тема")).to_have_accessible_description(re.compile("Выберите тему обращения"))
    await expect(page.get_by_label("Текст обращения")).to_have_accessible_description(
        re.compile("Напишите текст сообщения")
    )

    await page.get_by_label("Тема").select_option(label=TOPIC)
    account = page.get_by_label("Лицевой счет (необязательно)")
    await expect(account.locator("option", has_text=SIMFEROPOL_NUMBER)).to_have_count(1)
    await account.select_option(value=account_id)
    await page.get_by_label("Текст обращения").fill(text)
    await expect(page.get_by_label("Текст обращения")).to_have_accessible_description(
        re.compile(f"{len(text)} из 5000 символов")
    )

    # The browser judges each file as the service does, before anything is sent.
    picker = page.get_by_label(FILES)
    chosen = page.get_by_role("list", name="Выбранные файлы")
    await picker.set_input_files([files["photo.jpg"], files["скан.pdf"]])
    await expect(picker).to_have_accessible_description(re.compile(f"photo.jpg: {UNSUPPORTED}"))
    await expect(picker).to_have_accessible_description(re.compile(f"скан.pdf: {TOO_LARGE}"))
    await expect(chosen).to_have_count(0)
    # A file that starts as a PDF passes the browser; the service's own sentence is shown.
    await picker.set_input_files(files["черновик.pdf"])
    await expect(chosen.get_by_role("listitem")).to_have_count(1)
    await page.get_by_role("button", name="Отправить обращение").click()
    await expect(page.get_by_role("alert").filter(has_text=UNSUPPORTED)).to_be_visible()
    await chosen.get_by_role("button", name="Удалить файл черновик.pdf").click()
    await expect(chosen).to_have_count(0)

    await picker.set_input_files([files["Фото счетчика.jpg"], files["квитанция.pdf"]])
    await expect(chosen.get_by_role("listitem")).to_have_count(2)
    await expect(chosen).to_contain_text("Фото счетчика.jpg")
    await expect(chosen).to_contain_text("квитанция.pdf")
    await fits(page, "appeal-new")

    await page.get_by_role("button", name="Отправить обращение").click()
    registered = page.get_by_role("status").filter(has_text=REGISTERED)
    await expect(registered).to_be_visible()
    found = REGISTERED.search(plain(await registered.inner_text()))
    assert found, await registered.inner_text()
    number, due = found.group(1), found.group(2)
    await heading(page, f"Обращение № {number}")
    await expect(fact(page, "Статус")).to_have_text("Зарегистрировано")
    await expect(fact(page, "Ответ не позднее")).to_have_text(due)
    await expect(fact(page, "Тема")).to_have_text(TOPIC)
    await expect(fact(page, "Лицевой счет")).to_have_text(f"№ {SIMFEROPOL_NUMBER}")
    mine = message(page, "Вы")
    await expect(mine).to_contain_text(text)
    await expect(mine.get_by_role("link")).to_have_text(["Фото счетчика.jpg", "квитанция.pdf"])
    # A file comes back through the session as a download.
    async with page.expect_download() as downloading:
        await mine.get_by_role("link", name="квитанция.pdf").click()
    assert (await downloading.value).suggested_filename == "квитанция.pdf"
    await fits(page, "appeal-registered")

    await page.get_by_role("link", name="← Все обращения").click()
    await heading(page, "Обращения")
    row = appeal_row(page, number)
    await expect(row).to_contain_text(TOPIC)
    await expect(row).to_contain_text("Зарегистрировано")
    await expect(row).to_contain_text(due)
    await fits(page, "appeals-list")
    return number, due


async def operator_takes_and_answers(
    page: Page, number: str, question: str, answer: str, files: dict[str, Path]
) -> None:
    # Appeals are «Обращения» now; the form «Обратная связь» keeps its page under its own name.
    for label in STAFF_LINKS:
        await expect(menu(page).get_by_role("link", name=label, exact=True)).to_be_visible()
    await menu(page).get_by_role("link", name="Обращения", exact=True).click()
    await heading(page, "Обращения абонентов")
    row = appeal_row(page, number)
    await expect(row).to_contain_text("Зарегистрировано")
    await expect(row).to_contain_text("Не назначено")
    # «Только мои»: none yet; by status: it is among the registered ones.
    await page.get_by_label("Только мои").check()
    await expect(page.get_by_text("Обращений нет.")).to_be_visible()
    await page.get_by_label("Только мои").uncheck()
    await page.get_by_label("Статус").select_option(label="Зарегистрировано")
    await expect(row).to_be_visible()
    await fits(page, "operator-appeals")

    await row.get_by_role("link", name=f"Обращение № {number}").click()
    await heading(page, f"Обращение № {number}")
    theirs = message(page, "Абонент")
    await expect(theirs).to_contain_text(question)
    await expect(theirs.get_by_role("link")).to_have_text(["Фото счетчика.jpg", "квитанция.pdf"])
    async with page.expect_download() as downloading:
        await theirs.get_by_role("link", name="Фото счетчика.jpg").click()
    assert (await downloading.value).suggested_filename == "Фото счетчика.jpg"

    await page.get_by_role("button", name="Взять в работу").click()
    await expect(page.get_by_role("status").filter(has_text=f"Обращение № {number} взято в работу")).to_be_visible()
    await expect(fact(page, "Статус")).to_have_text("В работе")
    await expect(fact(page, "Исполнитель")).to_have_text("Вы")
    await expect(page.get_by_role("button", name="Взять в работу")).to_have_count(0)

    await page.get_by_label("Ответ абоненту").fill(answer)
    await page.get_by_label(FILES).set_input_files(files["акт сверки.pdf"])
    await page.get_by_role("button", name="Отправить ответ").click()
    await expect(page.get_by_role("status").filter(has_text="Ответ отправлен")).to_be_visible()
    await expect(fact(page, "Статус")).to_have_text("Дан ответ")
    ours = message(page, "Сотрудник ГУП РК «Крымэнерго»")
    await expect(ours).to_contain_text(answer)
    await expect(ours.get_by_role("link")).to_have_text(["акт сверки.pdf"])
    await fits(page, "operator-appeal")

    await page.get_by_role("link", name="← Все обращения").click()
    await heading(page, "Обращения абонентов")
    await page.get_by_label("Только мои").check()
    mine = appeal_row(page, number)
    await expect(mine).to_contain_text("Дан ответ")
    await expect(mine).to_contain_text("Вы")


async def letter_link(gateway: str, mail: str, email: str, number: str) -> str:
    """The path of the link in the letter about the answer (the stack's public address is not
    this run's port, so the test opens the path at the gateway)."""
    async with httpx.AsyncClient(timeout=15) as http:
        sent = await letter(http, mail, email, f"Ответ на обращение № {number}")
    found = re.search(r"https?://[^/\s]+(/appeals/[0-9a-f-]{36})\b", sent["text"])
    assert found, sent["text"]
    return found.group(1)


async def subscriber_reads_the_answer_replies_and_closes(
    page: Page, gateway: str, path: str, number: str, due: str, answer: str
) -> None:
    await page.goto(f"{gateway}{path}")
    await heading(page, f"Обращение № {number}")
    await expect(fact(page, "Статус")).to_have_text("Дан ответ")
    theirs = message(page, "ГУП РК «Крымэнерго»")
    await expect(theirs).to_contain_text(answer)
    async with page.expect_download() as downloading:
        await theirs.get_by_role("link", name="акт сверки.pdf").click()
    assert (await downloading.value).suggested_filename == "акт сверки.pdf"
    await expect(page.get_by_role("status").filter(has_text=REOPENS)).to_be_visible()
    await fits(page, "appeal-answered")

    # A reply reopens it: the form said so, the page says so.
    await page.get_by_label("Ваше сообщение").fill("Спасибо. А показания за ноябрь тоже приняты?")
    await page.get_by_role("button", name="Отправить", exact=True).click()
    await expect(
        page.get_by_role("status").filter(has_text="Сообщение отправлено. Обращение снова передано в работу")
    ).to_be_visible()
    await expect(fact(page, "Статус")).to_have_text("В работе")
    await expect(fact(page, "Ответ не позднее")).to_have_text(due)
    await expect(message(page, "Вы")).to_have_count(2)

    # «Закрыть обращение» asks first; «Отмена» changes nothing.
    await page.get_by_role("button", name="Закрыть обращение").click()
    dialog = page.get_by_role("dialog", name="Закрыть обращение?")
    await expect(dialog).to_contain_text(f"Обращение № {number} будет закрыто")
    await fits(page, "appeal-close")
    await dialog.get_by_role("button", name="Отмена").click()
    await expect(dialog).to_be_hidden()
    await expect(fact(page, "Статус")).to_have_text("В работе")
    await page.get_by_role("button", name="Закрыть обращение").click()
    await dialog.get_by_role("button", name="Закрыть обращение").click()
    await expect(page.get_by_role("status").filter(has_text=f"Обращение № {number} закрыто")).to_be_visible()
    await expect(fact(page, "Статус")).to_have_text("Закрыто")
    await expect(page.get_by_label("Ваше сообщение")).to_have_count(0)
    await expect(page.get_by_text("Обращение закрыто. Если остались вопросы")).to_be_visible()
    await fits(page, "appeal-closed")

    await menu(page).get_by_role("link", name="Обращения").click()
    await heading(page, "Обращения")
    await expect(appeal_row(page, number)).to_contain_text("Закрыто")
