"""The floor of `make bench`: what this machine can do for one reading submission's writes.

A minimal FastAPI endpoint, one uvicorn worker (uvloop, httptools, access log off), that does
what the readings service's `POST /accounts/{id}/readings` writes, and nothing else: the row in
`readings` and its event's row in `outbox`, in one transaction, through SQLAlchemy async and
asyncpg, into a database migrated with the readings service's own migrations. No gateway, no
token, no lookups of the account and the meter, no rules, no NOTIFY.

    .venv/bin/python benchmarks/floor.py --port 18999 --database-url postgresql+asyncpg://…

`bench.py` starts it, creates and drops its database. It answers `POST /readings`
`{"meter_id": …, "values": {"T1": 123.4}}` with 201 `{"id": …}`, and `GET /healthz`.
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from fastapi import FastAPI

METER_ID = uuid.UUID("00000000-0000-4000-8000-00000000f100")
ACCOUNT_ID = uuid.UUID("00000000-0000-4000-8000-00000000f200")
# The pool the docs/quality.md floor was measured with (757 req/s): 10 connections, as a readings
# API process has at most as shipped.
POOL_SIZE = 10


class ReadingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    meter_id: uuid.UUID
    values: dict[str, Decimal]


class Created(BaseModel):
    id: uuid.UUID


def build_app(database_url: str, application_name: str = "lka_bench_floor") -> FastAPI:
    from fastapi import FastAPI
    from sqlalchemy import insert
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from lka_common.messaging.tables import outbox
    from lka_readings.adapters.tables import meters, readings

    engine = create_async_engine(
        database_url,
        pool_size=POOL_SIZE,
        max_overflow=0,
        pool_timeout=30,
        # `@<tag>` ties these connections to the benchmark's claim in PostgreSQL's budget.
        connect_args={"server_settings": {"application_name": application_name}},
    )
    sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with sessions() as session:  # the one meter every reading is for (a fresh database)
            await session.execute(
                insert(meters).values(
                    id=METER_ID, region_code="simferopol", account_number="99999999", serial_number="FLOOR-1",
                    zones=1, digits=7, removed=False, updated_at=datetime.now(UTC),
                )
            )  # fmt: skip
            await session.commit()
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/readings", status_code=201)
    async def submit(body: ReadingIn) -> Created:
        reading_id, event_id, now = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)
        values = {zone: str(value) for zone, value in body.values.items()}
        event = {
            "specversion": "1.0", "id": str(event_id), "source": "/lka/readings",
            "type": "readings.reading.submitted.v1", "time": now.isoformat(), "subject": str(ACCOUNT_ID),
            "datacontenttype": "application/json",
            "data": {
                "reading_id": str(reading_id), "account_id": str(ACCOUNT_ID), "region_code": "simferopol",
                "account_number": "99999999", "meter_serial": "FLOOR-1", "values": values,
                "submitted_at": now.isoformat(), "billing_period": f"{now:%Y-%m}", "source": "web",
            },
        }  # fmt: skip
        async with sessions() as session:
            await session.execute(
                insert(readings).values(
                    id=reading_id, meter_id=body.meter_id, account_id=ACCOUNT_ID, region_code="simferopol",
                    account_number="99999999", meter_serial="FLOOR-1", reading_values=values,
                    values_key=";".join(f"{z}={v}" for z, v in sorted(values.items())), submitted_at=now,
                    billing_period=f"{now:%Y-%m}", source="web", status="submitted", event_id=event_id,
                )
            )  # fmt: skip
            await session.execute(
                insert(outbox).values(
                    message_id=event_id,
                    exchange="lka.events",
                    routing_key="readings.reading.submitted.v1",
                    body=json.dumps(event),
                    headers={"content_type": "application/cloudevents+json"},
                )
            )
            await session.commit()
        return Created(id=reading_id)

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--application-name", default="lka_bench_floor")
    args = parser.parse_args()
    uvicorn.run(
        build_app(args.database_url, args.application_name),
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
