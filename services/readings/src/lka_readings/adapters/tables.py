"""Tables of the readings database (the schema itself is in migrations/)."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()
