"""`/staff`: supervisors manage the staff; an invited person accepts (docs/contract.md §4 "Staff
management"). Operators and subscribers are 403 on every call but the acceptance, which is public
(its token is the proof). Every staff member's call is recorded in identity's audit chain
(`StaffAuditDep`), an operator's refused one too (`refused:forbidden`): `staff.invite`,
`staff.list` (and `staff.read`, one record per profile shown), `staff.disable`, `staff.enable`,
`staff.reset_mfa`; other refusals as `refused:<code>`. A subscriber is 403 before any record."""

from __future__ import annotations

import uuid
from uuid import UUID

from fastapi import APIRouter

from lka_common.paging import PageDep
from lka_common.qr_code import qr_svg
from lka_common.web import UowDep
from lka_identity.adapters.users import StaffMember
from lka_identity.domain import messages
from lka_identity.entrypoints.dependencies import ClientDep, ContextDep, LiveStaff, StaffAuditDep, require_supervisor
from lka_identity.entrypoints.problem_docs import problems
from lka_identity.entrypoints.schemas import (
    AcceptInvitationIn,
    EnrolmentOut,
    InvitationIn,
    InvitationOut,
    StaffMemberOut,
)
from lka_identity.service_layer import staff_management

router = APIRouter(prefix="/staff", tags=["staff"])


def _member(member: StaffMember) -> StaffMemberOut:
    return StaffMemberOut(
        user_id=member.id,
        email=member.email,
        role=member.role,
        status="disabled" if member.disabled_at is not None else "active",
        mfa_enrolled=member.mfa_enrolled,
        last_sign_in_at=member.last_sign_in_at,
    )


@router.post("/invitations", status_code=201, response_model=InvitationOut, responses=problems(401, 403, 409, 422))
async def invite(
    body: InvitationIn, caller: LiveStaff, audit: StaffAuditDep, uow: UowDep, ctx: ContextDep
) -> InvitationOut:
    """A letter to the address with a link to `/staff/accept?token=…`; an address any profile has is 409."""
    invitation_id = uuid.uuid4()
    async with audit.action(uow, "staff.invite", "staff_invitation", invitation_id) as step:
        require_supervisor(caller)
        invitation = await staff_management.invite(
            uow, ctx, caller.user_id, invitation_id, email=body.email, role=body.role, step=step
        )
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        role=body.role,
        expires_at=invitation.expires_at,
        message=messages.STAFF_INVITED.format(email=invitation.email),
    )


@router.post("/invitations/accept", response_model=EnrolmentOut, responses=problems(400, 409, 422, 429))
async def accept_invitation(body: AcceptInvitationIn, uow: UowDep, ctx: ContextDep, client: ClientDep) -> EnrolmentOut:
    """Public: the invitation's token, a password twice; answers the second factor's enrolment once."""
    enrolment = await staff_management.accept(
        uow, ctx, token=body.token, password=body.password, password_confirm=body.password_confirm, client=client
    )
    return EnrolmentOut(
        otpauth_uri=enrolment.otpauth_uri,
        recovery_codes=enrolment.recovery_codes,
        qr_svg=qr_svg(enrolment.otpauth_uri),
        message=messages.STAFF_ENROLLED,
    )


@router.get("", response_model=list[StaffMemberOut], responses=problems(401, 403, 422))
async def list_staff(caller: LiveStaff, audit: StaffAuditDep, uow: UowDep, page: PageDep) -> list[StaffMemberOut]:
    async with audit.action(uow, "staff.list", "staff", None):
        require_supervisor(caller)
        members = await staff_management.staff_list(uow, page.limit, page.offset)
    await audit.read(uow, "staff.read", "staff", [member.id for member in members])
    return [_member(member) for member in members]


@router.post("/{user_id}/disable", response_model=StaffMemberOut, responses=problems(401, 403, 404, 409, 422))
async def disable(user_id: UUID, caller: LiveStaff, audit: StaffAuditDep, uow: UowDep) -> StaffMemberOut:
    """Ends every session of the profile (refused everywhere within a second); sign-in refused."""
    async with audit.action(uow, "staff.disable", "staff", user_id) as step:
        require_supervisor(caller)
        return _member(await staff_management.disable(uow, caller.user_id, user_id, step))


@router.post("/{user_id}/enable", response_model=StaffMemberOut, responses=problems(401, 403, 404, 409, 422))
async def enable(user_id: UUID, caller: LiveStaff, audit: StaffAuditDep, uow: UowDep) -> StaffMemberOut:
    async with audit.action(uow, "staff.enable", "staff", user_id) as step:
        require_supervisor(caller)
        return _member(await staff_management.enable(uow, caller.user_id, user_id, step))


@router.post("/{user_id}/reset-mfa", response_model=StaffMemberOut, responses=problems(401, 403, 404, 409, 422))
async def reset_mfa(
    user_id: UUID, caller: LiveStaff, audit: StaffAuditDep, uow: UowDep, ctx: ContextDep
) -> StaffMemberOut:
    """Removes the second factor and its recovery codes, ends every session, and sends the person
    a letter to set a password and enrol again."""
    async with audit.action(uow, "staff.reset_mfa", "staff", user_id) as step:
        require_supervisor(caller)
        return _member(await staff_management.reset_mfa(uow, ctx, caller.user_id, user_id, step))
