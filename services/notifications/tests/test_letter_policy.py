"""The letter policy and the letters' words, without a server: every template is in the policy
table (capped or needed, and why), the table is the README's, and each letter reads as the
manual writes (quotes never nested, «учетная запись», «1–3» with an en dash)."""

from __future__ import annotations

import re
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any, get_args

import pytest
from aiosmtplib.email import flatten_message

from lka_common.commands.notifications import LetterTemplate
from lka_common.unsubscribe import KINDS
from lka_notifications.adapters.mailer import Letter, SmtpMailer
from lka_notifications.adapters.templates import TEMPLATES_DIR, LetterRenderer
from lka_notifications.domain.letters import (
    LETTER_POLICY,
    LETTER_PREFERENCE,
    ONE_CLICK_UNSUBSCRIBE,
    LetterPolicy,
    policy_of,
)
from lka_notifications.settings import NotificationsSettings

README = Path(__file__).resolve().parents[1] / "README.md"

# What the dispatcher adds to a reminder's or a bill's parameters: the portal's unsubscribe page.
UNSUBSCRIBE_PAGE = "https://lk.example.test/unsubscribe?token=Abc"

# Parameters as the senders pass them (identity, accounts, readings' events, payments,
# the feedback form); a topic with quotes of its own, as a subscriber may type it.
PARAMS: dict[str, dict[str, Any]] = {
    "payment_refunded": {
        "account_number": "91000101",
        "amount": "500.00",
        "paid_amount": "1523.40",
        "refunded_total": "500.00",
        "refunded_at": "16.12.2026 11:20",
        "order_id": "ord-5f1c",
        "in_full": False,
    },
    "email_confirmation": {"link": "https://lk.example.test/confirm-email?token=Abc", "valid_hours": 24},
    "registration_repeated": {},
    "password_reset": {"link": "https://lk.example.test/password/reset?token=Abc", "valid_hours": 1},
    "password_changed": {},
    "profiles_merged": {},
    "link_request_resolved": {"status": "approved", "account_number": "91000101", "comment": None},
    "reading_accepted": {"account_number": "91000101"},
    "reading_rejected": {"account_number": "91000101", "reason": "Показания меньше предыдущих"},
    "payment_receipt": {
        "account_number": "91000101",
        "amount": "1 523,40",
        "card": "Visa •••• 1111",
        "paid_at": "06.12.2026 10:00",
        "order_id": "ord-5f1c",
    },
    "feedback_forward": {
        "topic": "Счетчик «Меркурий»",
        "message": "Не вижу истории",
        "email": "ivanov@example.ru",
        "name": "Иван",
        "user_id": None,
        "received_at": "06.12.2026 10:00 UTC",
    },
    "feedback_received": {"topic": "Счетчик «Меркурий»", "name": "Иван"},
    "staff_invitation": {
        "link": "https://lk.example.test/staff/accept?token=Abc",
        "valid_hours": 72,
        "role_name": "оператор",
        "renewal": False,
    },
    "email_change_confirm": {"link": "https://lk.example.test/confirm-email-change?token=Abc", "valid_hours": 24},
    "email_change_notice_in_use": {},
    "email_changed": {"new_email": "pe***@example.ru"},
    "new_sign_in": {"when": "07.12.2026 10:15", "browser": "Firefox, Windows", "client_address": "203.0.113.7"},
    "autopay_reminder": {"account_number": "91000101", "amount": "1 523,40", "date": "10.01.2027"},
    "autopay_result": {
        "account_number": "91000101",
        "amount": "1 523,40",
        "date": "10.01.2027",
        "succeeded": False,
        "reason": "Недостаточно средств на карте",
        "retry_date": "",
        "turned_off": True,
    },
    "reading_window_reminder": {
        "account_number": "91000101",
        "period_title": "декабрь 2026 года",
        "closing_date": "25.12.2026",
        "unsubscribe_page": UNSUBSCRIBE_PAGE,
    },
    "verification_due_reminder": {
        "account_number": "91000101",
        "meter_number": "011076135",
        "verification_date": "15.01.2027",
        "stage": "month_before",
        "unsubscribe_page": UNSUBSCRIBE_PAGE,
    },
    "debt_reminder": {
        "account_number": "91000101",
        "amount": "1 523,40",
        "period_title": "ноябрь 2026 г.",
        "due_date": "10.12.2026",
        "unsubscribe_page": UNSUBSCRIBE_PAGE,
    },
    "bill_issued": {
        "account_number": "91000101",
        "month": "ноябрь 2026 г.",
        "total_due": "1 308,01",
        "due_date": "10.12.2026",
        "unsubscribe_page": UNSUBSCRIBE_PAGE,
    },
    "appeal_answered": {
        "appeal_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "number": "2026-000123",
        "topic": "Показания приборов учета",
    },
}
REJECTED = {**PARAMS["link_request_resolved"], "status": "rejected", "comment": "Фамилия «Иванов» не совпадает"}


@pytest.fixture(scope="module")
def renderer() -> LetterRenderer:
    # The supplier's name as shipped: it has quotes of its own, «Крымэнерго».
    return LetterRenderer(NotificationsSettings.model_fields["supplier_name"].default, "https://lk.example.test")


def rendered_words(renderer: LetterRenderer, template: str, params: dict[str, Any]) -> list[str]:
    """What a person reads of the letter: its subject, its text, and its HTML part without tags."""
    letter = renderer.render(template, params)
    return [letter.subject, letter.text, re.sub(r"<[^>]+>", " ", letter.html)]


def nested_quotes(words: str) -> list[str]:
    """The «…» pairs that open inside another (Russian typography wants „…“ inside «…»)."""
    depth, found = 0, []
    for index, char in enumerate(words):
        if char == "«":
            depth += 1
            if depth > 1:
                found.append(words[max(0, index - 40) : index + 40])
        elif char == "»":
            depth -= 1
    return found


def test_every_template_has_a_policy_and_every_policy_a_template() -> None:
    on_disk = {path.stem for path in TEMPLATES_DIR.glob("*.txt")}
    assert set(LETTER_POLICY) == on_disk
    assert set(LETTER_POLICY) == set(get_args(LetterTemplate))
    for template in on_disk:
        assert (TEMPLATES_DIR / f"{template}.html").is_file(), template
    for template, policy in LETTER_POLICY.items():
        assert isinstance(policy, LetterPolicy)
        assert policy.who and policy.why, template


def test_letters_a_person_needs_are_never_capped_and_letters_a_stranger_can_cause_are() -> None:
    needed = {t for t, p in LETTER_POLICY.items() if p.needed}
    capped = {t for t, p in LETTER_POLICY.items() if p.capped}
    assert needed == {
        "link_request_resolved",
        "reading_accepted",
        "reading_rejected",
        "payment_receipt",
        "payment_refunded",
        "password_changed",
        "profiles_merged",
        "email_changed",
        "new_sign_in",
        "staff_invitation",
        "bill_issued",
        "autopay_reminder",
        "autopay_result",
        "appeal_answered",
    }
    assert capped == {
        "email_confirmation",
        "registration_repeated",
        "password_reset",
        "feedback_received",
        "email_change_confirm",
        "email_change_notice_in_use",
    }
    # The supplier's own mailbox: neither (bounded by the feedback form's limit per client).
    assert not policy_of("feedback_forward").capped
    assert not policy_of("feedback_forward").needed


def test_the_readme_table_is_the_policy() -> None:
    rows = {}
    for line in README.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and (found := re.fullmatch(r"`(\w+)`", cells[0])) and found.group(1) in LETTER_POLICY:
            rows[found.group(1)] = LetterPolicy(*cells[1:])  # type: ignore[arg-type]
    assert rows == dict(LETTER_POLICY)


@pytest.mark.parametrize("template", sorted(PARAMS))
def test_no_letter_nests_quotes_in_quotes(renderer: LetterRenderer, template: str) -> None:
    for words in rendered_words(renderer, template, PARAMS[template]):
        assert nested_quotes(words) == [], template


def test_a_rejection_with_quotes_in_the_comment_does_not_nest_them(renderer: LetterRenderer) -> None:
    for words in rendered_words(renderer, "link_request_resolved", REJECTED):
        assert nested_quotes(words) == []


def test_the_recovery_letter_says_the_manuals_sentence_with_inner_quotes(renderer: LetterRenderer) -> None:
    letter = renderer.render("password_reset", PARAMS["password_reset"])
    sentence = (
        "Для восстановления доступа в сервисе «Личный кабинет абонента ГУП РК „Крымэнерго“»"
        " перейдите по нижеуказанной ссылке"
    )
    assert sentence in letter.text
    assert sentence in letter.html


def test_letters_say_uchetnaya_zapis_and_an_en_dash_in_ranges(renderer: LetterRenderer) -> None:
    everything = []
    for template, params in PARAMS.items():
        everything += [f"{template}: {words}" for words in rendered_words(renderer, template, params)]
    for words in everything:
        # «профиль» only as the name of the manual's button «Объединить профили».
        assert not re.search(r"[Пп]рофил", words.replace("«Объединить профили»", "")), words
        assert not re.search(r"\b\d+-\d+ (рабоч|дн|ч)", words), words
    receipt = renderer.render("payment_receipt", PARAMS["payment_receipt"])
    assert "составляет 1–3 рабочих дня" in receipt.text
    assert "составляет 1–3 рабочих дня" in receipt.html
    merged = renderer.render("profiles_merged", {})
    assert merged.subject == "Учетные записи объединены"


def test_the_security_letters_say_what_happened_and_how_to_get_help(renderer: LetterRenderer) -> None:
    confirm = renderer.render("email_change_confirm", PARAMS["email_change_confirm"])
    assert "https://lk.example.test/confirm-email-change?token=Abc" in confirm.text
    assert 'href="https://lk.example.test/confirm-email-change?token=Abc"' in confirm.html
    changed = renderer.render("email_changed", PARAMS["email_changed"])
    assert changed.subject == "Адрес электронной почты изменен"
    assert "pe***@example.ru" in changed.text
    assert "https://lk.example.test/feedback" in changed.text  # how to get help, without the lost address
    sign_in = renderer.render("new_sign_in", PARAMS["new_sign_in"])
    for words in (sign_in.text, sign_in.html):
        assert "07.12.2026 10:15" in words and "Firefox, Windows" in words and "203.0.113.7" in words
    assert "смените пароль и завершите другие сеансы" in sign_in.text
    assert "https://lk.example.test/profile" in sign_in.text
    notice = renderer.render("email_change_notice_in_use", {})
    assert "https://lk.example.test/password/forgot" in notice.text


@pytest.mark.parametrize("renewal", [False, True])
def test_the_staff_invitation_carries_its_link_and_says_which_kind_it_is(
    renderer: LetterRenderer, renewal: bool
) -> None:
    params = {**PARAMS["staff_invitation"], "renewal": renewal}
    letter = renderer.render("staff_invitation", params)

    for part in (letter.text, letter.html):
        assert "https://lk.example.test/staff/accept?token=Abc" in part
        assert "72 ч." in part
    expected = "Повторное подключение входа сотрудника" if renewal else "Приглашение сотрудника в личный кабинет"
    assert letter.subject == expected
    assert ("сбросил второй фактор" in letter.text) is renewal
    assert ("в роли «оператор»" in letter.text) is not renewal
    for words in rendered_words(renderer, "staff_invitation", params):
        assert nested_quotes(words) == []


@pytest.mark.parametrize("template", sorted(PARAMS))
def test_every_subject_arrives_as_written(renderer: LetterRenderer, template: str) -> None:
    """Python 3.11's header folding drops the space at some encoded-word boundaries (a subject
    «Вход в личный кабинет с нового браузера» arrives as «…снового…»): every subject is sent
    and read back as the mailer and the mail catcher do, and must come out the same."""
    subject = renderer.render(template, PARAMS[template]).subject
    letter = Letter(to="ivanov@example.ru", subject=subject, text="Текст")
    raw = flatten_message(SmtpMailer(NotificationsSettings()).compose(letter))
    assert str(BytesParser(policy=default).parsebytes(raw)["subject"]) == subject


def test_every_reminder_names_the_preference_that_turns_it_off() -> None:
    reminders = {template for template, policy in LETTER_POLICY.items() if policy.kind == "reminder"}
    assert reminders == {"reading_window_reminder", "verification_due_reminder", "debt_reminder"}
    # docs/contract.md §4: the reminders and the bill can be turned off, in one click too; the
    # receipt only in the profile's settings.
    assert reminders | {"bill_issued"} == ONE_CLICK_UNSUBSCRIBE
    assert set(LETTER_PREFERENCE) == ONE_CLICK_UNSUBSCRIBE | {"payment_receipt"}
    assert LETTER_PREFERENCE["verification_due_reminder"] == "verification_due"
    assert LETTER_PREFERENCE["debt_reminder"] == "debt"
    assert LETTER_PREFERENCE["bill_issued"] == "bill_issued"
    assert LETTER_PREFERENCE["payment_receipt"] == "payment_receipts"
    assert set(LETTER_PREFERENCE.values()) <= set(KINDS)
    assert not any(policy_of(template).capped or policy_of(template).needed for template in reminders)


@pytest.mark.parametrize("template", sorted(ONE_CLICK_UNSUBSCRIBE))
def test_every_letter_with_one_click_links_its_unsubscribe_page_in_the_body(
    renderer: LetterRenderer, template: str
) -> None:
    letter = renderer.render(template, PARAMS[template])
    assert UNSUBSCRIBE_PAGE in letter.text
    assert f'href="{UNSUBSCRIBE_PAGE}"' in letter.html
    # The API's address is for the mail client's POST (List-Unsubscribe), never for a person's click.
    assert "/api/v1/public/unsubscribe" not in letter.text + letter.html


@pytest.mark.parametrize("stage", ["month_before", "due"])
def test_the_verification_letter_says_when_what_follows_and_what_to_do(renderer: LetterRenderer, stage: str) -> None:
    letter = renderer.render("verification_due_reminder", {**PARAMS["verification_due_reminder"], "stage": stage})
    when = "через месяц" if stage == "month_before" else "сегодня"
    assert letter.subject == f"{when.capitalize()} истекает срок поверки счетчика № 011076135"
    for part in (letter.text, re.sub(r"<[^>]+>", "", letter.html)):
        assert f"по лицевому счету № 91000101 истекает {when}, 15.01.2027" in part
        assert "не принимаются к расчетам" in part and "по нормативу потребления" in part
        assert "свидетельства о поверке" in part
    assert "https://lk.example.test/appeals/new" in letter.text
    assert "https://lk.example.test/readings" in letter.text


def test_the_debt_letter_says_how_much_for_which_bill_and_where_to_pay(renderer: LetterRenderer) -> None:
    letter = renderer.render("debt_reminder", PARAMS["debt_reminder"])
    assert letter.subject == "Задолженность 1 523,40 руб.: счет № 91000101"
    for part in (letter.text, re.sub(r"<[^>]+>", "", letter.html)):
        assert "не оплачено 1 523,40 руб." in part
        assert "Квитанцию за ноябрь 2026 г. нужно было оплатить до 10.12.2026" in part
    assert "https://lk.example.test/accounts" in letter.text
    assert 'href="https://lk.example.test/accounts"' in letter.html


def test_a_bill_sent_to_a_bare_address_has_no_unsubscribe_line(renderer: LetterRenderer) -> None:
    letter = renderer.render("bill_issued", {**PARAMS["bill_issued"], "unsubscribe_page": None})
    assert "Отказаться" not in letter.text + letter.html
    assert "None" not in letter.text + letter.html


def test_a_reminder_carries_the_one_click_unsubscribe_headers() -> None:
    mailer = SmtpMailer(NotificationsSettings(environment="test"))
    link = "https://lk.example.test/api/v1/public/unsubscribe?token=Abc"
    message = mailer.compose(Letter(to="a@example.ru", subject="s", text="t", unsubscribe_url=link))
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = mailer.compose(Letter(to="a@example.ru", subject="s", text="t"))
    assert plain["List-Unsubscribe"] is None and plain["List-Unsubscribe-Post"] is None
