"""What a subscriber or an operator reads: the manual's sentences where it gives them, ours elsewhere."""

from __future__ import annotations

# The manual («Добавление лицевого счета», «Редактирование заявок», «Удаление лицевого счета»).
ACCOUNT_LINKED = "Счет успешно привязан к Вашей учетной записи"
REQUEST_CREATED = "Создана заявка на добавление счета к учетной записи"
REQUEST_LINKED = "Лицевой счет успешно привязан к учетной записи"
ACCOUNT_UNLINKED = "Счет удален из списка Ваших счетов"

# Ours: how long a specialist takes over a request. The one place it is said (docs/contract.md §2).
REVIEW_TIME = "в течение 3 рабочих дней"

# Ours: what a request means, beside the manual's sentence (the 202 of POST /accounts, a request
# corrected to no avail, a pending request's card). One sentence for a wrong proof and for a
# number billing does not know: the answer never tells whether an account exists.
NOT_MATCHED = "Указанные данные не совпали с данными биллинга или лицевой счет не найден."
REVIEW = (
    f"Заявку рассмотрит специалист ГУП РК «Крымэнерго» {REVIEW_TIME}, "
    "о решении мы сообщим письмом на адрес электронной почты учетной записи."
)
REQUEST_EXPLAINED = f"{NOT_MATCHED} {REVIEW}"
REQUEST_UPDATED = "Заявка обновлена и ожидает рассмотрения"
REJECTED_NOTE = "Исправьте данные в заявке и отправьте ее снова («Редактировать») или отзовите заявку."
REQUEST_WITHDRAWN = "Заявка отозвана"

# Ours: form fields.
AMOUNT_POSITIVE = "Сумма должна быть больше нуля"
SURNAME_PREFIX = "Укажите первые три буквы фамилии владельца лицевого счета"
ONE_PROOF = "Укажите либо сумму последнего платежа, либо первые три буквы фамилии владельца (одно из двух)"
UNKNOWN_REGION = "Неизвестный регион"
INVALID_ACCOUNT_NUMBER = "Номер лицевого счета состоит только из цифр (не более 20), как в квитанции"
REJECT_REASON_REQUIRED = "Укажите причину отказа"

# Ours: refusals.
ALREADY_LINKED = "Этот лицевой счет уже привязан к Вашей учетной записи"
TOO_MANY_ATTEMPTS = "Слишком много неудачных попыток привязать лицевой счет. Повторите попытку позже"
REQUEST_RESOLVED = "Заявка уже рассмотрена, изменить ее нельзя"
REQUEST_APPROVED = (
    "Заявка уже одобрена, лицевой счет привязан к Вашей учетной записи. Чтобы убрать счет, нажмите «Убрать»"
)
REQUEST_WITHDRAWN_ALREADY = "Заявка отозвана, изменить или рассмотреть ее нельзя"
DUPLICATE_REQUEST = "По этому лицевому счету у Вас уже есть заявка на рассмотрении"
ACCOUNT_UNKNOWN = "Лицевой счет не найден в данных биллинга: одобрить заявку пока нельзя"

# Ours: paperless bills (PUT /accounts/{id}/paperless).
PAPERLESS_ON = (
    "Бумажная квитанция больше не будет доставляться: новые квитанции будут приходить "
    "на адрес электронной почты учетной записи"
)
PAPERLESS_OFF = "Квитанции снова будут доставляться на бумаге"
