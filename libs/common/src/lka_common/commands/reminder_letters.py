"""`SendReminders` commands written by the statement that selects their letters: a scheduled
run's batch claims its reminders and writes their letters to the outbox in SQL, without a row or
a model in Python (readings' reading-window run, over a million accounts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import ColumnElement

from lka_common.commands.notifications import MAX_REMINDERS_PER_COMMAND, ReminderTemplate, SendReminders
from lka_common.messaging.outbox import json_object, outbox_rows_from
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
        `per_command` to a command, as `SendReminders.of` cuts them; returns the rows' ids.

        In JSON, not JSONB: a command is written once, as text, and parsed where it is read; JSONB
        builds a binary form of every letter only to print it again (1,143 letters: 3.3–8 ms as
        JSON, 7–16 ms as JSONB, in psql on the benchmark's database)."""
        if shared_too := self.shared.keys() & own.keys():
            raise ValueError(f"a letter's own parameters {sorted(shared_too)} are shared ones too")
        shared = {name: literal(value) for name, value in self.shared.items()}
        position = func.row_number().over(order_by=(order, user_id)) - 1
        letters = select(
            (position // self.per_command).label("command"),
            order.label("ordered_by"),
            user_id.label("user_id"),
            json_object(shared | own).label("params"),
        ).subquery("letters_numbered")
        letter = json_object({"user_id": letters.c.user_id, "params": letters.c.params})
        data = (
            select(
                json_object(
                    {
                        "template": literal(self.template),
                        "letters": func.json_agg(aggregate_order_by(letter, letters.c.ordered_by, letters.c.user_id)),
                    }
                ).label("data")
            )
            .group_by(letters.c.command)
            .order_by(letters.c.command)
        )
        return outbox_rows_from(data, SendReminders, self.source, self.subject).returning(outbox.c.id)
