"""How large a request body may be: one limit for every call (`max_body_bytes`, 1 MiB), and a
larger one for the few routes that take file uploads, named by method and path template.

The shared request middleware (lka_common.web) counts the body as it streams in and refuses
past the limit with 413, whether the caller declared a `Content-Length` or not. It asks for an
upload route's limit only once a body has gone past the ordinary one, so the calls that carry
no upload (nearly all) never pay for the lookup. What a single file of an upload may weigh is
the receiving route's own rule (notifications' appeals: 5 MiB, refused while it streams).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.types import Scope

_PARAM = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class UploadRoute:
    """A route that takes uploads: `path` is the full template (`/api/v1/appeals/{id}/messages`),
    a `{param}` being one non-empty segment."""

    method: str
    path: str
    max_bytes: int

    def matches(self, method: str, path: str) -> bool:
        if method != self.method:
            return False
        pattern = "[^/]+".join(re.escape(part) for part in _PARAM.split(self.path))
        return re.fullmatch(pattern, path) is not None


class BodyLimits:
    def __init__(self, default: int, uploads: Iterable[UploadRoute] = ()) -> None:
        self.default = default
        self.uploads = tuple(uploads)

    def of(self, scope: Scope) -> int:
        """The limit of this call: its upload route's, or the ordinary one."""
        for route in self.uploads:
            if route.matches(scope["method"], scope["path"]):
                return max(route.max_bytes, self.default)
        return self.default
