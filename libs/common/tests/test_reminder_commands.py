"""A scheduled run's letters as `SendReminders` commands: as few as the bound allows, in order,
and what a run builds without validation reads back valid where notifications reads it."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from lka_common.commands.notifications import MAX_REMINDERS_PER_COMMAND, Reminder, SendReminders
from lka_common.events.envelope import CloudEvent, new_event


def letters(count: int) -> list[tuple[uuid.UUID, dict[str, str]]]:
    return [(uuid.uuid4(), {"account_number": f"{n:08d}", "period_title": "декабрь 2026"}) for n in range(count)]


def test_a_runs_letters_go_in_as_few_commands_as_the_bound_allows_in_their_order() -> None:
    wanted = letters(2 * MAX_REMINDERS_PER_COMMAND + 1)

    commands = SendReminders.of("reading_window_reminder", wanted)

    assert [len(command.letters) for command in commands] == [MAX_REMINDERS_PER_COMMAND, MAX_REMINDERS_PER_COMMAND, 1]
    assert [(letter["user_id"], letter["params"]) for command in commands for letter in command.letters] == wanted
    assert SendReminders.of("debt_reminder", []) == []


def test_a_command_built_by_a_run_reads_back_valid_and_the_same() -> None:
    (command,) = SendReminders.of("verification_due_reminder", letters(3))

    envelope = CloudEvent.model_validate_json(new_event(command, "/readings", "run").to_json())
    read = SendReminders.model_validate(envelope.data)

    assert read == SendReminders(
        template="verification_due_reminder",
        letters=[Reminder(user_id=letter["user_id"], params=letter["params"]) for letter in command.letters],
    )


@pytest.mark.parametrize("count", [0, MAX_REMINDERS_PER_COMMAND + 1])
def test_notifications_refuses_a_command_of_no_letters_or_past_the_bound(count: int) -> None:
    body = {"template": "debt_reminder", "letters": [{"user_id": str(u), "params": p} for u, p in letters(count)]}

    with pytest.raises(ValidationError):
        SendReminders.model_validate(body)


def test_notifications_refuses_a_template_that_is_not_a_reminder() -> None:
    body = {"template": "password_reset", "letters": [{"user_id": str(uuid.uuid4()), "params": {}}]}

    with pytest.raises(ValidationError):
        SendReminders.model_validate(body)
