"""Why the readings service refuses a request, in domain terms; entrypoints/errors.py maps each to HTTP."""

from __future__ import annotations

from uuid import UUID


class ReadingsError(Exception):
    """Base of every refusal the service layer raises."""


class NotFound(ReadingsError):
    """Unknown, or not the caller's: deliberately the same (docs/contract.md §2)."""


class InvalidReading(ReadingsError):
    """The values break a rule of docs/contract.md §2; `code` names the first rule broken, `errors`
    lists every zone at fault with a sentence for the subscriber."""

    def __init__(self, code: str, detail: str, errors: list[dict[str, str]]) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.errors = errors


class DuplicateReading(ReadingsError):
    """The same values for the same meter and period are already submitted (a double click, a
    retry, a race): the first one stands."""

    def __init__(self, reading_id: UUID | None, billing_period: str) -> None:
        super().__init__(reading_id)
        self.reading_id = reading_id
        self.billing_period = billing_period


class TooManyAnonymousReadings(ReadingsError):
    """The per-address limit of the public form is reached."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(retry_after_s)
        self.retry_after_s = retry_after_s


class TooManyAnonymousReadingsForAccount(TooManyAnonymousReadings):
    """The public form's daily limit of one account is reached, from whatever addresses."""
