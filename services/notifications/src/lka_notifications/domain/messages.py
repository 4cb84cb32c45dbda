"""What a subscriber reads: Russian sentences of the notifications service (the manual gives none)."""

from __future__ import annotations

FEEDBACK_ACCEPTED = "Ваше обращение отправлено в ГУП РК «Крымэнерго». Спасибо за отзыв!"
EMAIL_REQUIRED = "Укажите адрес электронной почты, чтобы мы могли ответить"
TOO_MANY_FEEDBACK = "Слишком много обращений с вашего адреса. Повторите попытку позже"

APPEAL_REGISTERED = "Обращение № {number} зарегистрировано. Ответ будет дан не позднее {due_date}"
APPEAL_NOT_FOUND = "Обращение не найдено"
ATTACHMENT_NOT_FOUND = "Файл не найден"
APPEAL_CLOSED = "Обращение закрыто: в нем больше ничего нельзя изменить"
UNKNOWN_TOPIC = "Выберите тему обращения из списка"
ACCOUNT_NOT_FOUND = "Лицевой счет не найден среди ваших счетов"
UNSUPPORTED_ATTACHMENT = "Можно приложить только изображения JPEG и PNG или документы PDF"
ATTACHMENT_TOO_LARGE = "Размер каждого файла не должен превышать 5 МБ"
TOO_MANY_ATTACHMENTS = "Можно приложить не больше трех файлов"
NOT_STAFF = "Назначить обращение можно только сотруднику, который работает с обращениями"
