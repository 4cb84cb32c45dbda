"""What the payer reads: the seed's wording where it gives one («Оплата прошла успешно»)."""

from __future__ import annotations

PAID = "Оплата прошла успешно"
PENDING = "Платеж обрабатывается банком"
REFUNDED = "Платеж возвращен на карту"
AMOUNT_POSITIVE = "Сумма платежа должна быть больше нуля"
AMOUNT_CEILING = "Сумма платежа превышает допустимую ({limit} руб.)"
KEY_REQUIRED = "Не передан заголовок Idempotency-Key"
KEY_REUSED = "Этот Idempotency-Key уже использован для другого платежа"
ACQUIRER_UNAVAILABLE = "Платежный шлюз банка временно недоступен. Повторите попытку позже"
ACQUIRER_REFUSED = "Банк отклонил создание платежа. Повторите попытку позже"
CARD_NOT_FOUND = "Сохраненная карта не найдена: возможно, она удалена. Выберите другую карту или оплатите новой"
SBP_WITH_CARD = "Оплата через СБП не использует карту: не передавайте save_card и card_id"
SAVED_CARD_SAVED = "Сохраненная карта уже сохранена: не передавайте save_card вместе с card_id"
BASKET_SIZE = "В корзине должно быть от 2 до 10 счетов"
BASKET_TWICE = "Каждый счет можно добавить в корзину только один раз"
BASKET_ACCOUNT_NOT_FOUND = "Счет в строке {line} корзины не найден среди Ваших счетов"
REFUND_ABOVE_REST = "Сумма возврата больше, чем осталось вернуть по платежу: не более {left} руб."
REFUND_POSITIVE = "Сумма возврата должна быть больше нуля"
REFUND_REASON = "Укажите причину возврата"
NOT_REFUNDABLE = "Платеж нельзя вернуть: он не оплачен или уже возвращен полностью"
REFUND_NOT_AWAITING = "Возврат не ожидает решения: он уже рассмотрен или не требовал согласования"
REFUND_KEY_REUSED = "Этот Idempotency-Key уже использован для другого возврата"
RECONCILIATION_NOT_FOUND = "Сверка за этот день не проводилась"
RECONCILIATION_FUTURE = "Сверить можно только прошедший или текущий день"
BAD_CHECKSUM = "Подпись уведомления банка не прошла проверку"

# failure_reason (a stable code) -> what the payer reads.
FAILURES = {
    "insufficient_funds": "Недостаточно средств на карте",
    "declined_by_issuer": "Банк, выпустивший карту, отклонил платеж",
    "authentication_failed": "Платеж не подтвержден: неверный код MirAccept / 3-D Secure",
    "processing_timeout": "Истекло время обработки платежа в банке",
    "authentication_abandoned": "Платеж не подтвержден: подтверждение MirAccept / 3-D Secure не завершено",
    "reversed": "Платеж отменен банком",
    "refunded": "Платеж возвращен банком",
    "expired": "Время на оплату истекло",
    "declined": "Платеж отклонен банком",
    # Autopay's own (domain/autopay.py): a card it can no longer pay with.
    "card_not_found": "Сохраненная карта удалена или больше не действует",
    "authentication_required": (
        "Банк карты требует подтверждения 3-D Secure, а автоплатеж проходит без участия плательщика"
    ),
}
DAY_OF_MONTH = "День автоплатежа — число от 1 до 28"
AUTOPAY_TAKEN = "Автоплатеж по этому счету уже настроен другим пользователем"
AUTOPAY_DISABLED = {
    "payment_failed": "Автоплатеж отключен: два платежа подряд не прошли",
    "account_unlinked": "Автоплатеж отключен: счет удален из списка Ваших счетов",
    "cancelled": "Автоплатеж отключен",
}
