"""`SendReminders` commands written by the statement that selects their letters: a scheduled
run's batch claims its reminders and writes their letters to the outbox in SQL, without a row or
a model in Python (readings' reading-window run, over a million accounts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, func, literal, select
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.sql import ColumnElement

from lka_common.commands.notifications import MAX_REMINDERS_PER_COMMAND, ReminderTemplate, SendReminders
from lka_common.messaging.outbox import outbox_rows_from
from lka_common.messaging.tables import outbox


@dataclass(frozen=True)
class ReminderLetters:
    """The letters of one kind a batch writes: their template, the parameters every letter
    shares, and the commands' source and subject (as `uow.publish` takes them)."""

    template: ReminderTemplate
    shared: dict[str, Any]
    source: str
    subject: str
    per_command: int = MAX_REMINDERS_PER_COMMAND

    def commands(
        self, order: ColumnElement[Any], user_id: ColumnElement[Any], own: dict[str, ColumnElement[Any]]
    ) -> Insert:
        """The outbox rows of the letters of a statement's rows (their columns: what they are
        ordered by, the user the letter goes to, and each letter's own parameters), in that order,
        `per_command` to a command, as `SendReminders.of` cuts them; returns the rows' ids."""
        own_params = func.jsonb_build_object(*(part for name, column in own.items() for part in (name, column)))
        params = literal(self.shared, JSONB).op("||")(own_params)
        position = func.row_number().over(order_by=(order, user_id)) - 1
        letters = select(
            (position // self.per_command).label("command"),
            order.label("ordered_by"),
            user_id.label("user_id"),
            params.label("params"),
        ).subquery("letters_numbered")
        letter = func.jsonb_build_object("user_id", letters.c.user_id, "params", letters.c.params)
        data = (
            select(
                func.jsonb_build_object(
                    "template",
                    literal(self.template),
                    "letters",
                    func.jsonb_agg(aggregate_order_by(letter, letters.c.ordered_by, letters.c.user_id)),
                ).label("data")
            )
            .group_by(letters.c.command)
            .order_by(letters.c.command)
        )
        return outbox_rows_from(data, SendReminders, self.source, self.subject).returning(outbox.c.id)
