"""Who may do what with members, applications, transfers and rosters, and see how much of their data.

Built on the one primitive of the tree (``unions.scope.holds_role``) through ``unions.permissions``.
Services call these and raise; views and templates ask them and never decide themselves.
"""

from unions.permissions import can_manage_members
from unions.roles import FULL_EXPORT_KINDS
from unions.scope import holds_role, holds_role_anywhere

from .models import Application, Transfer


# --- personal data -------------------------------------------------------------------------------
def can_see_full_mobile(user, union) -> bool:
    """Whether the user sees full mobiles of the union's members and applicants.

    Only the roles whose exports may carry full mobiles (``FULL_EXPORT_KINDS``) over the union: the
    pages show no more than the files would. Every other member staff role sees the mobile masked.
    """
    return holds_role(user, union, FULL_EXPORT_KINDS)


def can_export_full(user) -> bool:
    """Whether the user may ask for an export with full ID numbers and mobiles (of the subtrees of
    their ``FULL_EXPORT_KINDS`` roles only; every other member staff role exports them masked)."""
    return holds_role_anywhere(user, FULL_EXPORT_KINDS)


# --- applications --------------------------------------------------------------------------------
def can_approve(user, application: Application) -> bool:
    """Member staff over the union applied to, while the application waits for a decision
    (approve, reject or ask for a correction)."""
    return application.status == Application.Status.SUBMITTED and can_manage_members(user, application.union)


def can_approve_in_bulk(application: Application) -> bool:
    """Whether the application may be approved with others from the queue, without opening it.

    Not one sent to a federation (a platform worker's): the approver chooses on its page the
    grassroots or joint union the member joins."""
    return application.union.holds_members


# --- rosters -------------------------------------------------------------------------------------
def can_import_into(user, union) -> bool:
    """Member staff import a roster into a union in their subtree."""
    return can_manage_members(user, union)


# --- transfers -----------------------------------------------------------------------------------
def can_request_transfer(user, member, to_union, application: Application | None = None) -> bool:
    """The member themself (directly or through their application), or staff of the receiving union."""
    is_member_themself = user.pk == member.user_id or (application is not None and application.applicant_id == user.pk)
    return is_member_themself or can_manage_members(user, to_union)


def can_release(user, transfer: Transfer) -> bool:
    """The current union lets the member go."""
    return can_manage_members(user, transfer.from_union)


def can_accept(user, transfer: Transfer) -> bool:
    """The receiving union takes the member in."""
    return can_manage_members(user, transfer.to_union)


def can_decline(user, transfer: Transfer) -> bool:
    """Either union may decline."""
    return can_release(user, transfer) or can_accept(user, transfer)


def can_cancel(user, transfer: Transfer) -> bool:
    """Whoever asked may withdraw the request."""
    return transfer.requested_by_id == user.pk


def transfer_actions(user, transfer: Transfer) -> frozenset[str]:
    """What the user may do with the transfer now, for the buttons: "release", "accept", "decline",
    "cancel". The services check the same rules again (and the state, with their own messages)."""
    if not transfer.is_open:
        return frozenset()
    actions = set()
    if transfer.status == Transfer.Status.REQUESTED and can_release(user, transfer):
        actions.add("release")
    if transfer.status == Transfer.Status.RELEASED and can_accept(user, transfer):
        actions.add("accept")
    if can_decline(user, transfer):
        actions.add("decline")
    if can_cancel(user, transfer):
        actions.add("cancel")
    return frozenset(actions)
