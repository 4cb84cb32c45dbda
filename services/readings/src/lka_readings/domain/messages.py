"""What a subscriber reads: Russian sentences of the readings service (the manual gives none)."""

from __future__ import annotations

from decimal import Decimal

from lka_common.periods import month_and_year

DUPLICATE = "Эти показания уже переданы и будут учтены за {month}"
TOO_MANY_ANONYMOUS = "Слишком много передач показаний с этого адреса. Повторите попытку позже"
TOO_MANY_FOR_ACCOUNT = (
    "Показания по этому лицевому счету сегодня передавали слишком много раз. Передайте их завтра или в личном кабинете"
)
# The public form's one answer to a value below the last one or a consumption no household
# reaches, in any zone: it names neither the zone nor the direction (domain/rules.py).
NOT_ACCEPTED = (
    "Показания не приняты. Сверьте их со счетчиком; если они верны, "
    "передайте их в личном кабинете или обратитесь в ГУП РК «Крымэнерго»"
)


def kwh(value: Decimal) -> str:
    """12345.5 -> «12 345,5»: digit groups and a decimal comma, as a person writes a number here."""
    text = f"{value:,f}".replace(",", " ")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    return f"{whole},{fraction}" if fraction else whole


def month_name(period: str) -> str:
    """ "2026-11" -> «ноябрь 2026 года»."""
    return f"{month_and_year(period)} года"


def submitted(period: str) -> str:
    return f"Показания переданы и будут учтены за {month_name(period)}. Обработка показаний занимает 1–3 рабочих дня"


def zones_mismatch(names: tuple[str, ...], titles: tuple[str, ...]) -> str:
    if len(names) == 1:
        return "Для этого счетчика укажите одно показание: T1"
    return "Для этого счетчика укажите показания по зонам: " + ", ".join(titles)


def negative(zone: str) -> str:
    return f"Показание {zone} не может быть отрицательным"


def too_precise(zone: str) -> str:
    return f"Показание {zone}: не больше двух знаков после запятой"


def not_a_number(zone: str) -> str:
    return f"Показание {zone} должно быть числом"


def too_many_digits(zone: str, digits: int) -> str:
    counted = f"{digits} {plural(digits, 'цифра', 'цифры', 'цифр')}"
    return f"Показание {zone} длиннее, чем может показать счетчик ({counted} до запятой)"


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian plural: `plural(4, "цифра", "цифры", "цифр")` is «цифры»."""
    tens, units = abs(n) % 100, abs(n) % 10
    if 10 < tens < 20:
        return many
    if units == 1:
        return one
    return few if 2 <= units <= 4 else many


# The signed-in owner's form only: they may see their own last reading and consumption.
def decreased(zone: str, last: Decimal) -> str:
    return f"Показание {zone} меньше предыдущего ({kwh(last)})"


def implausible(zone: str, consumption: Decimal, ceiling: Decimal) -> str:
    used, most = kwh(consumption), kwh(ceiling)
    return f"Расход по {zone} ({used} кВт·ч) больше возможного за месяц ({most} кВт·ч). Проверьте показание"
