"""A bill (квитанция) as a PDF document: the supplier's requisites, the subscriber's account and
address, the month's lines per zone, the balance, the total and due date, and the payment QR
code (domain/payment_qr.py).

Drawn with fpdf2 in DejaVu Sans, shipped in the package (`lka_accounts/fonts/`, its licence
beside it) so no machine or image needs a system font: the font's used glyphs are embedded as a
subset with their Unicode map, so Cyrillic prints right everywhere and the text can be selected
and searched. The QR code is vector (one rectangle per run of dark modules), sharp at any zoom
and at any resolution a printer or a scanner uses. The document's dates are the bill's own, so
the same bill always makes the same file.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from fpdf import FPDF

from lka_accounts.domain.bills import Bill, month_name, payment_purpose, roubles
from lka_accounts.domain.model import BillingAccount
from lka_accounts.domain.payment_qr import Payee, Payer, payment_text

SUPPLIER_TIME_ZONE = ZoneInfo("Europe/Simferopol")
FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"
LEFT = 15.0
WIDTH = 180.0  # A4 less 15 mm margins
QR_SIZE = 45.0
# Columns of the lines' table: title, zone, kWh, price, amount (mm).
COLUMNS = (62.0, 16.0, 32.0, 38.0, 32.0)


def render(bill: Bill, account: BillingAccount, payee: Payee) -> bytes:
    """The bill as PDF bytes."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(bill.issued_at.astimezone(UTC))
    pdf.set_title(f"Квитанция за {month_name(bill.period)}, лицевой счет № {bill.account_number}")
    pdf.set_author(payee.name)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(LEFT, 15, LEFT)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    _heading(pdf, bill)
    _payee(pdf, payee)
    _subscriber(pdf, bill, account)
    _lines(pdf, bill)
    top = pdf.get_y() + 4
    _totals(pdf, bill, top)
    payer = Payer(bill.account_number, account.owner_surname, account.address)
    text = payment_text(payee, payer, bill.total_due_kopecks, payment_purpose(bill))
    _qr_code(pdf, text, LEFT + WIDTH - QR_SIZE, top)
    return bytes(pdf.output())


def _heading(pdf: FPDF, bill: Bill) -> None:
    pdf.set_font(FONT, "B", 14)
    pdf.cell(WIDTH, 8, f"Счет-квитанция за электроэнергию за {month_name(bill.period)}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    issued = bill.issued_at.astimezone(SUPPLIER_TIME_ZONE).strftime("%d.%m.%Y")
    pdf.cell(WIDTH, 5, f"Квитанция № {bill.id} от {issued}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _payee(pdf: FPDF, payee: Payee) -> None:
    _section(pdf, "Получатель платежа")
    rows = [
        payee.name,
        f"ИНН {payee.inn}   КПП {payee.kpp}",
        f"Р/с {payee.settlement_account} в {payee.bank_name}",
        f"БИК {payee.bic}   К/с {payee.correspondent_account}",
        f"Адрес: {payee.address}",
    ]
    if payee.phone:
        rows.append(f"Телефон: {payee.phone}")
    _rows(pdf, rows)


def _subscriber(pdf: FPDF, bill: Bill, account: BillingAccount) -> None:
    _section(pdf, "Плательщик")
    pdf.set_font(FONT, "B", 10)
    pdf.cell(WIDTH, 5.5, f"Лицевой счет № {bill.account_number}", new_x="LMARGIN", new_y="NEXT")
    _rows(pdf, [f"Абонент: {account.owner_surname} {account.owner_initials}", f"Адрес: {account.address}"])


def _lines(pdf: FPDF, bill: Bill) -> None:
    _section(pdf, f"Начисления за {month_name(bill.period)}")
    pdf.set_font(FONT, "B", 8.5)
    heads = ("Услуга", "Зона", "Объем, кВт·ч", "Тариф, руб./кВт·ч", "Сумма, руб.")
    for width, head, align in zip(COLUMNS, heads, "LCRRR", strict=True):
        pdf.cell(width, 6, head, border=1, align=align)
    pdf.ln()
    pdf.set_font(FONT, "", 9)
    for line in bill.lines:
        quantity = f"{line.quantity_kwh:f}".replace(".", ",")
        cells = (line.title, line.zone, quantity, roubles(line.price_kopecks), roubles(line.amount_kopecks))
        for width, text, align in zip(COLUMNS, cells, "LCRRR", strict=True):
            pdf.cell(width, 6, text, border=1, align=align)
        pdf.ln()
    pdf.set_font(FONT, "B", 9)
    pdf.cell(sum(COLUMNS[:-1]), 6, "Всего начислено", border=1, align="R")
    pdf.cell(COLUMNS[-1], 6, roubles(bill.charged_kopecks), border=1, align="R", new_x="LMARGIN", new_y="NEXT")


def _totals(pdf: FPDF, bill: Bill, top: float) -> None:
    pdf.set_xy(LEFT, top)
    label, value = 85.0, 35.0
    rows = [
        ("Задолженность на начало периода", bill.opening_balance_kopecks),
        ("Начислено за период", bill.charged_kopecks),
        ("Оплачено в периоде", bill.payments_kopecks),
        ("Пени", bill.penalty_kopecks),
    ]
    pdf.set_font(FONT, "", 9.5)
    for text, kopecks in rows:
        pdf.cell(label, 6, text)
        pdf.cell(value, 6, f"{roubles(kopecks)} руб.", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 11)
    pdf.cell(label, 8, "Итого к оплате")
    pdf.cell(value, 8, f"{roubles(bill.total_due_kopecks)} руб.", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    pdf.cell(label + value, 6, f"Оплатить до {bill.due_date:%d.%m.%Y}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(
        label + value,
        4,
        "Оплатить можно в личном кабинете абонента, в приложении банка по QR-коду или в кассах "
        "и отделениях банков. При оплате по QR-коду проверьте сумму и реквизиты.",
        align="L",
    )


def _qr_code(pdf: FPDF, text: str, x: float, y: float) -> None:
    """The QR code as filled rectangles, one per run of dark modules of a row, with its quiet zone."""
    code = segno.make(text, error="m", micro=False)
    border = 4
    matrix = list(code.matrix_iter(scale=1, border=border))
    module = QR_SIZE / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        start: int | None = None
        for column, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + row_index * module, (column - start) * module, module, style="F")
                start = None
    pdf.set_font(FONT, "", 7.5)
    pdf.set_xy(x, y + QR_SIZE)
    pdf.cell(QR_SIZE, 4, "Оплата по QR-коду", align="C")


def _section(pdf: FPDF, title: str) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.set_fill_color(235, 235, 235)
    pdf.cell(WIDTH, 6, title, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _rows(pdf: FPDF, rows: list[str]) -> None:
    pdf.set_font(FONT, "", 9.5)
    for row in rows:
        pdf.multi_cell(WIDTH, 5, row, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
