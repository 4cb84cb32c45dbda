"""Malformed uploads on every multipart call (the appeals' forms, docs/contract.md §4 "Appeals"):
each is refused with its 4xx problem+json, never a 500, through the gateway and straight at the
service. The fuzzer sends generated forms too (test_fuzz.py); these are the shapes it does not
make: another content type, a form without its boundary or cut off, a form missing its fields,
a file under another name, a fourth file, a program named .jpg, and a file past 5 MiB (refused
while it streams).

Nothing here is accepted: alice's appeal has no more messages after them than before.
(A file under another name was accepted at first, the file dropped unseen: lka_common.multipart
now refuses it as an unknown field.)
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from abuse_actors import World
from abuse_support import SERVICE_PORTS, V1

from lka_common.testing.files import executable, small_pdf
from lka_common.testing.stack import Stack

MiB = 1024 * 1024
PDF = ("attachments", ("акт.pdf", small_pdf(), "application/pdf"))
BOUNDARY = "abuse-boundary"

# (label, requests' keyword arguments, status, code); `fields` stands for the call's own fields.
Case = tuple[str, dict[str, Any], int, str]


def cases(fields: dict[str, str]) -> list[Case]:
    """What is wrong with each, for a call whose valid form has `fields` (and any files)."""
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    no_boundary = {"Content-Type": "multipart/form-data"}
    big = ("attachments", ("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * MiB + 1), "application/pdf"))
    cut_off = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="text"\r\n\r\nТекст'.encode()
    return [
        ("JSON instead of a form", {"json": fields}, 415, "unsupported_media_type"),
        ("plain text", {"data": b"text=abc", "headers": {"Content-Type": "text/plain"}}, 415, "unsupported_media_type"),
        ("a form without its boundary", {"data": b"--x--", "headers": no_boundary}, 415, "unsupported_media_type"),
        ("a form cut off", {"data": cut_off, "headers": {"Content-Type": multipart}}, 422, "validation_error"),
        ("no fields, a file only", {"files": [PDF]}, 422, "validation_error"),
        ("a file under another name", {"data": fields, "files": [("photo", PDF[1])]}, 422, "validation_error"),
        ("four files", {"data": fields, "files": [PDF] * 4}, 422, "too_many_attachments"),
        (
            "a program named .jpg",
            {"data": fields, "files": [("attachments", ("photo.jpg", executable(), "image/jpeg"))]},
            422,
            "unsupported_attachment",
        ),
        ("a file past 5 MiB", {"data": fields, "files": [big]}, 413, "attachment_too_large"),
    ]


def calls(world: World) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(path, the valid form's fields, the caller's headers) of each multipart call."""
    return [
        ("/appeals", {"topic": "accounts", "text": "Текст"}, world.alice.headers),
        (f"/appeals/{world.alice_appeal}/messages", {"text": "Текст"}, world.alice.headers),
        (f"/operator/appeals/{world.alice_appeal}/messages", {"text": "Текст"}, world.operator.headers),
    ]


@pytest.mark.parametrize("target", ["gateway", "service"])
def test_a_malformed_upload_is_a_4xx_problem_never_a_500(abuse_stack: Stack, world: World, target: str) -> None:
    base = abuse_stack.gateway if target == "gateway" else abuse_stack.url(SERVICE_PORTS["notifications"])
    thread = f"{base}{V1}/appeals/{world.alice_appeal}"
    before = len(requests.get(thread, headers=world.alice.headers, timeout=15).json()["messages"])
    wrong = []
    for path, fields, caller in calls(world):
        for what, how, status, code in cases(fields):
            if what == "a file past 5 MiB" and path != "/appeals":
                continue  # one streamed refusal a target: the same reader serves all three calls
            headers = {**caller, **how.get("headers", {}), "X-Request-ID": f"abuse-{uuid.uuid4()}"}
            sent = {key: value for key, value in how.items() if key != "headers"}
            response = requests.post(base + V1 + path, headers=headers, timeout=30, **sent)
            got = (response.status_code, response.headers.get("content-type", "").split(";")[0])
            body = response.json() if got[1] == "application/problem+json" else {}
            if got != (status, "application/problem+json") or body.get("code") != code:
                wrong.append(f"{path}, {what}: {response.status_code} {response.text[:200]}")
    assert not wrong, "\n".join(wrong)
    after = len(requests.get(thread, headers=world.alice.headers, timeout=15).json()["messages"])
    assert after == before, "a refused form added a message"
