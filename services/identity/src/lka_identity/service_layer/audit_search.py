"""The supervisors' audit search over every service (docs/contract.md §4 "Audit"): identity's
consumer copies each service's `<service>.audit.recorded.v1` into its projection, once per
record (the inbox, and the record's own key, keep a redelivery from adding it twice); the
search reads that copy. A record is searchable once its event has travelled: within a second
or so, later while a broker or consumer is away (each service's own chain has it at once).
"""

from __future__ import annotations

from lka_common.audit import AuditRecord
from lka_common.events.audit import AuditRecorded
from lka_common.events.envelope import CloudEvent
from lka_common.uow import UnitOfWork
from lka_identity.adapters import audit_projection
from lka_identity.adapters.audit_projection import AuditFilter, CopiedRecord


async def audit_recorded(uow: UnitOfWork, data: AuditRecorded, event: CloudEvent) -> None:
    """The consumer's handler for every service's audit event."""
    await audit_projection.add(uow.session, data.service, AuditRecord.model_validate(data.model_dump()))


async def search(uow: UnitOfWork, found_by: AuditFilter, limit: int, offset: int) -> list[CopiedRecord]:
    async with uow:
        return await audit_projection.search(uow.session, found_by, limit, offset)
