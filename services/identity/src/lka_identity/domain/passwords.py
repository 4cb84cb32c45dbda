"""The password policy (docs/quality.md item 2, ASVS 6.2): length only, no composition rules, no common
passwords, not the e-mail address. The password is never altered (no trimming, no case folding)
before hashing; case folding is only for comparing with the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.resources import files

from lka_identity.domain import messages
from lka_identity.domain.errors import FormRefused, Refusal

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (common_passwords.txt), case-folded; read once per process."""
    text = files("lka_identity.domain").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#")


def password_refusals(password: str, email: str) -> list[Refusal]:
    """Why this new password is refused for the owner of `email` (empty: it is acceptable)."""
    if len(password) < MIN_LENGTH:
        return [Refusal("weak_password", "password", messages.PASSWORD_TOO_SHORT.format(min=MIN_LENGTH))]
    if len(password) > MAX_LENGTH:
        return [Refusal("weak_password", "password", messages.PASSWORD_TOO_LONG.format(max=MAX_LENGTH))]
    folded = password.casefold()
    address = email.strip().casefold()
    if folded in (address, address.partition("@")[0]):
        return [Refusal("weak_password", "password", messages.PASSWORD_IS_EMAIL)]
    if folded in common_passwords() or folded.strip() in common_passwords():
        return [Refusal("weak_password", "password", messages.PASSWORD_TOO_COMMON)]
    return []


def mismatch_refusals(password: str, password_confirm: str) -> list[Refusal]:
    if password != password_confirm:
        return [Refusal("password_mismatch", "password_confirm", messages.PASSWORD_MISMATCH)]
    return []


def check_new_password(password: str, password_confirm: str, email: str, *, first: Sequence[Refusal] = ()) -> None:
    """Raise `FormRefused` listing every broken rule; the code is the first one's.

    `first` carries refusals found before (the consent), which then name the code.
    """
    refusals = [*first, *mismatch_refusals(password, password_confirm), *password_refusals(password, email)]
    if refusals:
        raise FormRefused(refusals)
