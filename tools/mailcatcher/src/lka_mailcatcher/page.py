"""The browser page: the caught letters as plain HTML, for a developer to read.

Everything from a letter goes through `html.escape`; a letter's HTML part is shown as text,
never rendered, since it is untrusted markup on the catcher's own origin.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from lka_mailcatcher.store import CaughtLetter

_STYLE = """
body { font-family: sans-serif; margin: 2rem; max-width: 60rem; }
article { border: 1px solid #ccc; border-radius: 4px; padding: 0.5rem 1rem; margin-bottom: 1rem; }
h2 { font-size: 1.1rem; margin: 0.3rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0.3rem 0; }
dt { color: #555; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.5rem; }
"""


def render_page(letters: Iterable[CaughtLetter]) -> str:
    items = [_render_letter(letter) for letter in letters]
    body = "\n".join(items) if items else "<p>Писем пока нет.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
        "<title>Перехватчик почты ЛКА</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        "<h1>Перехватчик почты ЛКА</h1>\n"
        f"<p>Писем: {len(items)}. Новые сверху. Очистить: DELETE /api/messages.</p>\n"
        f"{body}\n</body>\n</html>\n"
    )


def _render_letter(letter: CaughtLetter) -> str:
    subject = escape(letter.subject) if letter.subject else "(без темы)"
    received = letter.received_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    if letter.text is not None:
        shown = f"<pre>{escape(letter.text)}</pre>"
    elif letter.html is not None:
        shown = f"<p>Только HTML-версия (исходный код):</p><pre>{escape(letter.html)}</pre>"
    else:
        shown = "<p>Текста нет.</p>"
    return (
        f"<article>\n<h2>{subject}</h2>\n<dl>"
        f"<dt>От</dt><dd>{escape(letter.sender)}</dd>"
        f"<dt>Кому</dt><dd>{escape(', '.join(letter.to))}</dd>"
        f"<dt>Получено</dt><dd>{escape(received)}</dd>"
        f"</dl>\n{shown}\n</article>"
    )
