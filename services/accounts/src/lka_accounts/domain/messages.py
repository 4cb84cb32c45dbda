"""What a subscriber or an operator reads: the manual's sentences where it gives them, ours elsewhere."""

from __future__ import annotations

# The manual («Добавление лицевого счета», «Редактирование заявок», «Удаление лицевого счета»).
ACCOUNT_LINKED = "Счет успешно привязан к Вашей учетной записи"
REQUEST_CREATED = "Создана заявка на добавление счета к учетной записи"
REQUEST_LINKED = "Лицевой счет успешно привязан к учетной записи"
ACCOUNT_UNLINKED = "Счет удален из списка Ваших счетов"

# Ours: form fields.
AMOUNT_POSITIVE = "Сумма должна быть больше нуля"
SURNAME_PREFIX = "Укажите первые три буквы фамилии владельца лицевого счета"
ONE_PROOF = "Укажите либо сумму последнего платежа, либо первые три буквы фамилии владельца (одно из двух)"
UNKNOWN_REGION = "Неизвестный регион"

# Ours: refusals.
ALREADY_LINKED = "Этот лицевой счет уже привязан к Вашей учетной записи"
TOO_MANY_ATTEMPTS = "Слишком много неудачных попыток привязать лицевой счет. Повторите попытку позже"
REQUEST_RESOLVED = "Заявка уже рассмотрена, изменить ее нельзя"
DUPLICATE_REQUEST = "По этому лицевому счету у Вас уже есть заявка на рассмотрении"
ACCOUNT_UNKNOWN = "Лицевой счет не найден в данных биллинга: одобрить заявку пока нельзя"
