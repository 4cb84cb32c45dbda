"""What a subscriber reads: Russian sentences of the notifications service (the manual gives none)."""

from __future__ import annotations

FEEDBACK_ACCEPTED = "Ваше обращение отправлено в ГУП РК «Крымэнерго». Спасибо за отзыв!"
EMAIL_REQUIRED = "Укажите адрес электронной почты, чтобы мы могли ответить"
TOO_MANY_FEEDBACK = "Слишком много обращений с вашего адреса. Повторите попытку позже"
