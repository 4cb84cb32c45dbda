"""Tables of the payments database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()
