"""The members app's audit actions and reminder kinds; ``MembersConfig.ready()`` registers their labels."""

from django.utils.translation import gettext_lazy as _

APPLICATION_APPROVED = "members.application_approved"
APPLICATION_REJECTED = "members.application_rejected"
MEMBER_EDITED = "members.member_edited"
MEMBER_ENDED = "members.member_ended"
ID_REVEALED = "members.id_revealed"
TRANSFER_REQUESTED = "members.transfer_requested"
TRANSFER_RELEASED = "members.transfer_released"
TRANSFER_ACCEPTED = "members.transfer_accepted"
TRANSFER_DECLINED = "members.transfer_declined"
TRANSFER_CANCELLED = "members.transfer_cancelled"
ROSTER_IMPORTED = "members.roster_imported"
ROSTER_EXPORTED = "members.roster_exported"
ROSTER_ERRORS_DOWNLOADED = "members.roster_errors_downloaded"

AUDIT_ACTIONS = {
    APPLICATION_APPROVED: _("Application approved"),
    APPLICATION_REJECTED: _("Application rejected"),
    MEMBER_EDITED: _("Member edited"),
    MEMBER_ENDED: _("Membership ended"),
    ID_REVEALED: _("ID number viewed"),
    TRANSFER_REQUESTED: _("Transfer requested"),
    TRANSFER_RELEASED: _("Transfer released"),
    TRANSFER_ACCEPTED: _("Transfer accepted"),
    TRANSFER_DECLINED: _("Transfer declined"),
    TRANSFER_CANCELLED: _("Transfer withdrawn"),
    ROSTER_IMPORTED: _("Roster imported"),
    ROSTER_EXPORTED: _("Roster exported"),
    ROSTER_ERRORS_DOWNLOADED: _("Import error file downloaded"),
}

# Reminders (members.reminders); a user chooses which of them also come by e-mail.
REMINDER_APPLICATION_PENDING = "members.application_pending"
REMINDER_APPLICATION_ESCALATED = "members.application_escalated"
REMINDER_TRANSFER_WAITING = "members.transfer_waiting"

REMINDER_KINDS = {
    REMINDER_APPLICATION_PENDING: _("Applications waiting for a decision at my union"),
    REMINDER_APPLICATION_ESCALATED: _("Applications overdue at unions below mine"),
    REMINDER_TRANSFER_WAITING: _("Transfers waiting for my union to act"),
}
