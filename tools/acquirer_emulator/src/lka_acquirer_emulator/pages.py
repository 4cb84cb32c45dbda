"""The hosted card page and the MirAccept challenge, as the payer's browser sees them.

GET shows a form, POST checks it and redirects (303) onward: to MirAccept for Mir, else to
the merchant's `returnUrl` (paid) or `failUrl` (declined), with `orderId` and `lang`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from lka_acquirer_emulator import html
from lka_acquirer_emulator.cards import CardError, check_card
from lka_acquirer_emulator.orders import IN_3DS, PAID, REGISTERED, THREE_DS_FAILED, Order
from lka_acquirer_emulator.rest import CARD_PAGE
from lka_acquirer_emulator.state import gateway_of

CHALLENGE_PAGE = "/payment/acs/mir_accept.html"
RIGHT_OTP = "123456"


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def _order(request: web.Request, wanted_status: int) -> Order | web.Response:
    order = gateway_of(request).store.get(request.query.get("mdOrder", ""))
    if order is None:
        return _html(html.notice("Заказ не найден", "Проверьте ссылку или начните оплату заново."), 404)
    if order.status != wanted_status:
        return _html(html.notice("Оплата недоступна", "Заказ уже оплачен, отклонен или срок оплаты истек."), 410)
    return order


def back_to_merchant(order: Order) -> web.HTTPSeeOther:
    url = order.return_url if order.status == PAID else order.fail_url
    separator = "&" if "?" in url else "?"
    return web.HTTPSeeOther(f"{url}{separator}{urlencode({'orderId': order.md_order, 'lang': 'ru'})}")


def _conclude(request: web.Request, order: Order, action_code: int) -> web.HTTPSeeOther:
    order.finish(action_code)
    gateway_of(request).callbacks.send(order)
    return back_to_merchant(order)


async def card_page(request: web.Request) -> web.Response:
    found = _order(request, REGISTERED)
    if isinstance(found, web.Response):
        return found
    return _html(html.card_form(str(request.rel_url), found.amount, found.description))


async def card_post(request: web.Request) -> web.Response:
    found = _order(request, REGISTERED)
    if isinstance(found, web.Response):
        return found
    form = await request.post()
    try:
        card = check_card(
            str(form.get("pan", "")),
            str(form.get("expiry", "")),
            str(form.get("cvc", "")),
            gateway_of(request).clock.now(),
        )
    except CardError as exc:
        return _html(html.card_form(str(request.rel_url), found.amount, found.description, str(exc)), 200)
    found.masked_pan, found.brand, found.expiration = card.masked_pan, card.brand, card.expiration
    found.cardholder = str(form.get("cardholder", "")).strip().upper()[:64] or None
    if card.brand == "mir":
        found.status, found.pending_action_code = IN_3DS, card.action_code
        raise web.HTTPSeeOther(f"{CHALLENGE_PAGE}?{urlencode({'mdOrder': found.md_order})}")
    raise _conclude(request, found, card.action_code)


async def challenge_page(request: web.Request) -> web.Response:
    found = _order(request, IN_3DS)
    if isinstance(found, web.Response):
        return found
    return _html(html.challenge_form(str(request.rel_url), found.amount, found.masked_pan or ""))


async def challenge_post(request: web.Request) -> web.Response:
    found = _order(request, IN_3DS)
    if isinstance(found, web.Response):
        return found
    otp = str((await request.post()).get("otp", "")).strip()
    # A wrong code declines at once, as the issuer's ACS does: no second try.
    action_code = (found.pending_action_code or 0) if otp == RIGHT_OTP else THREE_DS_FAILED
    raise _conclude(request, found, action_code)


def routes() -> list[web.RouteDef]:
    return [
        web.get(CARD_PAGE, card_page),
        web.post(CARD_PAGE, card_post),
        web.get(CHALLENGE_PAGE, challenge_page),
        web.post(CHALLENGE_PAGE, challenge_post),
    ]
