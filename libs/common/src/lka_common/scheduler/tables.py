"""The scheduler's tables, as `lka_common.migrations.SCHEDULER_TABLES_V1` makes them.

`scheduled_jobs`: one row per job, its lease (who runs it, until when). `job_runs`: every run,
with its progress and outcome, newest first for `GET /operator/jobs`. A service that schedules
work copies them into its own metadata (`include_in`), so tests/schema compares them with its
migrations as it does the service's own tables.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, Table, Text

scheduler_metadata = MetaData()
TS = DateTime(timezone=True)

scheduled_jobs = Table(
    "scheduled_jobs",
    scheduler_metadata,
    Column("name", Text, primary_key=True),
    Column("lease_owner", Text),
    Column("lease_until", TS),
    Column("created_at", TS, nullable=False),
)

job_runs = Table(
    "job_runs",
    scheduler_metadata,
    Column("id", BigInteger, primary_key=True),
    Column("job", Text, ForeignKey("scheduled_jobs.name"), nullable=False),
    Column("runner", Text, nullable=False),
    Column("business_date", Date, nullable=False),  # the day the run worked for, by the jobs' clock
    Column("status", Text, nullable=False),  # running, finished, failed, interrupted
    Column("started_at", TS, nullable=False),
    Column("heartbeat_at", TS, nullable=False),
    Column("finished_at", TS),
    Column("batches", Integer, nullable=False),
    Column("items", Integer, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("error", Text),
)
Index("job_runs_newest", job_runs.c.job, job_runs.c.started_at.desc())


def include_in(metadata: MetaData) -> None:
    """Declare the scheduler's tables in a service's own metadata (its tables.py)."""
    for table in scheduler_metadata.sorted_tables:
        table.to_metadata(metadata)
