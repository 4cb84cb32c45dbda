"""The hosted card page and the 3-D Secure challenge (MirAccept for Mir), as the payer's browser
sees them.

GET shows a form, POST checks it and redirects (303) onward: to the challenge for Mir and the
always-challenged test card, else to the merchant's `returnUrl` (paid) or `failUrl` (declined),
with `orderId` and `lang`. A paid order registered with `clientId` leaves a binding of its card.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from lka_acquirer_emulator import html
from lka_acquirer_emulator.cards import CardError, check_card
from lka_acquirer_emulator.orders import IN_3DS, PAID, REGISTERED, THREE_DS_FAILED, Order
from lka_acquirer_emulator.rest import CARD_PAGE
from lka_acquirer_emulator.state import Gateway, gateway_of

# The issuer's ACS pages: MirAccept for Mir, 3-D Secure for the other brands.
MIR_ACCEPT_PAGE = "/payment/acs/mir_accept.html"
THREE_DS_PAGE = "/payment/acs/3ds.html"
RIGHT_OTP = "123456"


def challenge_url(order: Order) -> str:
    """Where the payer's browser answers the issuer's challenge for this order (a path)."""
    page = MIR_ACCEPT_PAGE if order.brand == "mir" else THREE_DS_PAGE
    return f"{page}?{urlencode({'mdOrder': order.md_order})}"


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


def conclude(gateway: Gateway, order: Order, action_code: int) -> None:
    """The payer's part is over: the order is paid or declined, a paid order for a client keeps
    its card's binding (a payment with a binding already has one), and the merchant is told."""
    order.finish(action_code, gateway.clock.now())
    if order.status == PAID and order.client_id and order.binding_id is None and order.masked_pan:
        order.binding_id = gateway.bindings.bind(order, gateway.clock.now()).binding_id
    gateway.callbacks.send(order)


def _conclude(request: web.Request, order: Order, action_code: int) -> web.HTTPSeeOther:
    conclude(gateway_of(request), order, action_code)
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
    found.payment_way, found.challenged_with_binding = "CARD", card.challenged_with_binding
    if card.challenged:
        found.status, found.pending_action_code = IN_3DS, card.action_code
        raise web.HTTPSeeOther(challenge_url(found))
    raise _conclude(request, found, card.action_code)


async def challenge_page(request: web.Request) -> web.Response:
    found = _order(request, IN_3DS)
    if isinstance(found, web.Response):
        return found
    scheme = "MirAccept" if found.brand == "mir" else "3-D Secure"
    return _html(html.challenge_form(str(request.rel_url), found.amount, found.masked_pan or "", scheme))


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
        web.get(MIR_ACCEPT_PAGE, challenge_page),
        web.post(MIR_ACCEPT_PAGE, challenge_post),
        web.get(THREE_DS_PAGE, challenge_page),
        web.post(THREE_DS_PAGE, challenge_post),
    ]
