"""Rendering letters from the Jinja2 templates in `templates/`.

Each letter has `<name>.txt` (first line the subject, then a blank line, then the text part)
and `<name>.html` (the HTML part, autoescaped, on `_layout.html`). Every template gets the
supplier's name and the public base URL, so no link is ever built from a request's Host.

Quotes are never nested: a name with quotes of its own (the supplier's «Крымэнерго», a topic a
subscriber typed) quoted inside «…» goes through the `inner` filter, which makes its quotes
„…“, as Russian typography writes quotes within quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    text: str
    html: str


class LetterRenderer:
    def __init__(self, supplier_name: str, public_base_url: str) -> None:
        self._common = {"supplier_name": supplier_name, "public_base_url": public_base_url.rstrip("/")}
        loader = FileSystemLoader(TEMPLATES_DIR)
        # StrictUndefined: a parameter the sender forgot fails loudly instead of printing nothing.
        self._text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)  # noqa: S701 - plain text
        self._html = Environment(loader=loader, autoescape=select_autoescape(["html"]), undefined=StrictUndefined)
        for environment in (self._text, self._html):
            environment.filters["inner"] = inner_quotes

    def templates(self) -> list[str]:
        return sorted(p.stem for p in TEMPLATES_DIR.glob("*.txt"))

    def render(self, template: str, params: dict[str, Any]) -> RenderedLetter:
        context = {**params, **self._common}
        text = self._text.get_template(f"{template}.txt").render(context)
        subject, _, body = text.strip().partition("\n")
        html = self._html.get_template(f"{template}.html").render({**context, "subject": subject.strip()})
        return RenderedLetter(subject=subject.strip(), text=body.strip() + "\n", html=html)


def inner_quotes(value: object) -> str:
    """`value` to be quoted inside «…»: its own «…» become „…“ (ГУП РК «Крымэнерго» → ГУП РК „Крымэнерго“)."""
    return str(value).translate(_INNER)


_INNER = str.maketrans({"«": "„", "»": "“"})
