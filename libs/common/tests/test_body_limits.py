"""The body limit per route: the ordinary one, and an upload route's larger one by method and template."""

from __future__ import annotations

from lka_common.body_limits import BodyLimits, UploadRoute

MiB = 1024 * 1024
LIMITS = BodyLimits(
    MiB,
    [UploadRoute("POST", "/api/v1/appeals", 16 * MiB), UploadRoute("POST", "/api/v1/appeals/{id}/messages", 16 * MiB)],
)


def scope(method: str, path: str) -> dict[str, str]:
    return {"method": method, "path": path}


def test_an_upload_route_has_its_own_limit_and_everything_else_the_ordinary_one() -> None:
    assert LIMITS.of(scope("POST", "/api/v1/appeals")) == 16 * MiB
    assert LIMITS.of(scope("POST", "/api/v1/appeals/0c1d/messages")) == 16 * MiB
    assert LIMITS.of(scope("GET", "/api/v1/appeals")) == MiB
    assert LIMITS.of(scope("POST", "/api/v1/appeals/0c1d/close")) == MiB
    assert LIMITS.of(scope("POST", "/api/v1/appeals/a/b/messages")) == MiB  # a parameter is one segment
    assert LIMITS.of(scope("POST", "/api/v1/feedback")) == MiB
