"""What a person reads: the seed's wording where the manual gives it, ours where it is silent."""

# ruff: noqa: S105 - sentences about passwords and tokens, not secrets

from __future__ import annotations

# The manual's «Регистрация» section, word for word.
REGISTERED = (
    "Создана учетная запись в сервисе «Личный кабинет абонента» ГУП РК «Крымэнерго». "
    "На указанный адрес электронной почты будет направлено письмо для подтверждения почтового ящика."
)
EMAIL_CONFIRMED = "Адрес электронной почты подтвержден. Теперь вы можете войти в личный кабинет"
# The letter's link opened again (its token already spent on this very address).
EMAIL_ALREADY_CONFIRMED = "Адрес электронной почты уже подтвержден. Войдите в личный кабинет"
RESET_LINK_VALID = "Ссылка действительна. Придумайте новый пароль"
CONFIRMATION_RESENT = (
    "Если адрес зарегистрирован и еще не подтвержден, на него будет направлено письмо для подтверждения"
)
RESET_REQUESTED = (
    "Если учетная запись с этим адресом существует, на него будет направлено письмо для восстановления доступа"
)
# The manual's «Восстановление доступа» and «Объединение учетных записей».
PASSWORD_CHANGED = "Пароль успешно изменен"
PROFILES_MERGED = "Учетные записи объединены"

CONSENT_REQUIRED = "Необходимо согласие на обработку персональных данных"
PASSWORD_MISMATCH = "Пароли не совпадают"
PASSWORD_TOO_SHORT = "Пароль должен содержать не менее {min} символов"
PASSWORD_TOO_LONG = "Пароль должен содержать не более {max} символов"
PASSWORD_TOO_COMMON = "Этот пароль слишком распространен и легко подбирается. Выберите другой"
PASSWORD_IS_EMAIL = "Пароль не должен совпадать с адресом электронной почты"
CURRENT_PASSWORD_WRONG = "Неверный текущий пароль"

INVALID_CREDENTIALS = "Неверный адрес электронной почты или пароль"
# Said only to whoever typed the absorbed profile's right password; the address is masked.
PROFILE_MERGED = "Эта учетная запись объединена с учетной записью {address}. Войдите с ее адресом."
EMAIL_NOT_CONFIRMED = "Адрес электронной почты не подтвержден. Перейдите по ссылке из письма"
TOO_MANY_ATTEMPTS = "Слишком много неудачных попыток. Повторите попытку позже"
TOO_MANY_REQUESTS = "Слишком много запросов с вашего адреса. Повторите попытку позже"
INVALID_UNSUBSCRIBE_LINK = (
    "Ссылка для отказа от писем недействительна. Выбрать письма можно в настройках уведомлений личного кабинета"
)
# What each kind of letter is called where an unsubscribe link says what it turns off (the page
# `/unsubscribe` shows it before the person confirms) and that it is turned off.
LETTER_KINDS = {
    "reading_window": "напоминания о передаче показаний",
    "verification_due": "напоминания о поверке прибора учета",
    "debt": "напоминания о задолженности",
    "bill_issued": "уведомления о новых квитанциях",
    "payment_receipts": "квитанции об оплате",
    "new_sign_in": "письма о входе с нового устройства",
}


def unsubscribed(kind: str) -> str:
    return f"Готово: {LETTER_KINDS[kind]} больше не будут приходить. Включить снова можно в Профиле → Уведомления"


INVALID_TOKEN = "Ссылка недействительна или устарела. Запросите новую"
SESSION_EXPIRED = "Сеанс завершен. Войдите в личный кабинет снова"
MERGE_SELF = "Нельзя объединить учетную запись с самой собой"
ALREADY_MERGED = "Эта учетная запись уже объединена с другой"
MERGE_SOURCE_UNCONFIRMED = (
    "Адрес электронной почты этой учетной записи не подтвержден. "
    "Подтвердите его по ссылке из письма, затем объедините учетные записи"
)

# Staff: the second factor and staff management.
ROLE_NAMES = {"operator": "оператор", "supervisor": "старший оператор"}
INVALID_MFA_CODE = "Неверный код. Введите код из приложения-аутентификатора или резервный код"
INVALID_MFA_TOKEN = "Время для ввода кода истекло или было слишком много неверных кодов. Войдите снова"
ACCOUNT_DISABLED = "Учетная запись сотрудника отключена. Обратитесь к старшему оператору"
MFA_ENROLMENT_REQUIRED = (
    "Второй фактор входа сброшен. Откройте ссылку из письма, чтобы задать пароль и подключить приложение-аутентификатор"
)
STAFF_NOT_FOUND = "Сотрудник не найден"
STAFF_SELF = "Это действие нельзя применить к своей учетной записи"
STAFF_ADDRESS_TAKEN = (
    "Этот адрес уже используется учетной записью ЛКА. Сотрудника можно пригласить только на новый адрес"
)
STAFF_INVITED = "Приглашение отправлено на {email}"
STAFF_ENROLLED = (
    "Пароль задан. Добавьте ключ в приложение-аутентификатор и сохраните резервные коды: они показываются один раз"
)

# A subscriber's own security: the change of address, the session list.
# The same answer whether or not another profile has the address (no enumeration).
EMAIL_CHANGE_REQUESTED = (
    "Если этот адрес можно использовать, на него отправлено письмо со ссылкой для подтверждения. "
    "Адрес изменится, когда Вы перейдете по ссылке"
)
EMAIL_CHANGED = "Адрес электронной почты изменен"
EMAIL_UNCHANGED = "Это текущий адрес Вашей учетной записи. Укажите новый адрес"
EMAIL_IN_USE = "Этот адрес уже используется другой учетной записью"
SESSION_NOT_FOUND = "Сеанс не найден или уже завершен"
