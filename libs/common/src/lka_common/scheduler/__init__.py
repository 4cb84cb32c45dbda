"""The portal's scheduled work (docs/operations.md, "Scheduled work"), built once for every service.

- `clock.py`: what "now" and "today" are for the jobs (Europe/Simferopol), moved by a setting on
  a development or test stack;
- `tables.py`: the jobs and their runs, in the service's own database (created by
  `lka_common.migrations.create_scheduler_tables_v1`);
- `runner.py`: one runner at a time across replicas (a lease row, no session-level lock, so it
  works behind a transaction pooler), the run recorded (started, batches, items, failures,
  finished), the work done in batches, each in short transactions of the job's own;
- `timing.py`: when each job runs (APScheduler's cron triggers), inside an existing worker process;
- `consumer.py`: a service's consumer process running its jobs beside its subscriptions, on the
  consumer's own pool;
- `api.py`: `GET /operator/jobs`, the runs and the leases for supervisors, in each service that
  schedules work (the gateway merges them).

Exactly-once is the job's: each item it acts on is keyed in its own tables, in the same
transaction as the command the item causes, so a run that crashed resumes without acting twice.
"""
