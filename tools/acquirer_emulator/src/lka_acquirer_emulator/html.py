"""The emulated bank's pages as plain HTML: forms that work without JavaScript.

Nothing the payer typed is written back into a page: a refused card number is not echoed,
so it never sits in a page, a cache or a log.
"""

from __future__ import annotations

from html import escape

_STYLE = "body{font-family:sans-serif;max-width:28rem;margin:2rem auto}label{display:block;margin:.6rem 0}"


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _amount(kopecks: int) -> str:
    return f"{kopecks // 100}.{kopecks % 100:02d}"


def card_form(action: str, kopecks: int, description: str, error: str | None = None) -> str:
    """The card page: number, expiry MM/YY, CVC2/CVV2 and the optional holder."""
    alert = f'<p role="alert" class="error">{escape(error)}</p>' if error else ""
    return _page(
        "Оплата картой",
        f"<h1>Оплата картой</h1><p>{escape(description)}</p>"
        f"<p>Сумма: <strong>{_amount(kopecks)} руб.</strong></p>{alert}"
        f'<form method="post" action="{escape(action)}">'
        '<label>Номер карты <input name="pan" inputmode="numeric" autocomplete="cc-number" required></label>'
        '<label>Срок действия (ММ/ГГ) <input name="expiry" placeholder="ММ/ГГ" autocomplete="cc-exp" required>'
        "</label>"
        '<label>CVC2/CVV2 <input name="cvc" type="password" inputmode="numeric" maxlength="3" required></label>'
        '<label>Владелец карты (если указан на карте) <input name="cardholder" autocomplete="cc-name"></label>'
        '<button type="submit">Оплатить</button></form>'
        "<p>Мы принимаем карты «Мир» (с MirAccept), Visa и Mastercard.</p>",
    )


def challenge_form(action: str, kopecks: int, masked_pan: str, scheme: str) -> str:
    """The issuer's challenge (`scheme`: MirAccept for Mir, 3-D Secure for the others): the
    one-time code the issuer 'sent' to the payer (always 123456 here)."""
    return _page(
        scheme,
        f"<h1>{escape(scheme)}</h1>"
        f"<p>Подтвердите оплату {_amount(kopecks)} руб. картой {escape(masked_pan)}.</p>"
        "<p>Введите код из СМС (в эмуляторе: 123456).</p>"
        f'<form method="post" action="{escape(action)}">'
        '<label>Код подтверждения <input name="otp" inputmode="numeric" autocomplete="one-time-code" required>'
        '</label><button type="submit">Подтвердить</button></form>',
    )


def notice(title: str, text: str) -> str:
    return _page(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")
