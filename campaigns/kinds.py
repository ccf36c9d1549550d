"""The campaigns app's audit actions and reminder kinds; ``CampaignsConfig.ready()`` registers their labels."""

from django.utils.translation import gettext_lazy as _

# Competitions: set-up and approval (立项).
COMPETITION_CREATED = "campaigns.competition_created"
COMPETITION_CHANGED = "campaigns.competition_changed"
COMPETITION_SUBMITTED = "campaigns.competition_submitted"
COMPETITION_APPROVED = "campaigns.competition_approved"
COMPETITION_RETURNED = "campaigns.competition_returned"
COMPETITION_STARTED = "campaigns.competition_started"
JUDGING_OPENED = "campaigns.judging_opened"
COMPETITION_CLOSED = "campaigns.competition_closed"
COMPETITION_COMMENDED = "campaigns.competition_commended"
# Entries and stage reports.
ENTRY_ENTERED = "campaigns.entry_entered"
ENTRY_ACCEPTED = "campaigns.entry_accepted"
ENTRY_REFUSED = "campaigns.entry_refused"
ENTRY_WITHDRAWN = "campaigns.entry_withdrawn"
STAGE_REPORT_SUBMITTED = "campaigns.stage_report_submitted"
# Judging.
JUDGE_ASSIGNED = "campaigns.judge_assigned"
JUDGE_REMOVED = "campaigns.judge_removed"
CONFLICTS_DECLARED = "campaigns.conflicts_declared"
ENTRY_SCORED = "campaigns.entry_scored"
# Commendation and documents.
PRIZES_AWARDED = "campaigns.prizes_awarded"
CERTIFICATE_DOWNLOADED = "campaigns.certificate_downloaded"
ENTRIES_EXPORTED = "campaigns.entries_exported"
SCORES_EXPORTED = "campaigns.scores_exported"

AUDIT_ACTIONS = {
    COMPETITION_CREATED: _("Competition drafted"),
    COMPETITION_CHANGED: _("Competition changed"),
    COMPETITION_SUBMITTED: _("Competition submitted for approval"),
    COMPETITION_APPROVED: _("Competition approved"),
    COMPETITION_RETURNED: _("Competition returned to its organiser"),
    COMPETITION_STARTED: _("Competition started"),
    JUDGING_OPENED: _("Competition judging opened"),
    COMPETITION_CLOSED: _("Competition closed, ranking frozen"),
    COMPETITION_COMMENDED: _("Competition commended"),
    ENTRY_ENTERED: _("Competition entry entered"),
    ENTRY_ACCEPTED: _("Competition entry accepted"),
    ENTRY_REFUSED: _("Competition entry refused"),
    ENTRY_WITHDRAWN: _("Competition entry withdrawn"),
    STAGE_REPORT_SUBMITTED: _("Stage report handed in"),
    JUDGE_ASSIGNED: _("Judge assigned"),
    JUDGE_REMOVED: _("Judge removed"),
    CONFLICTS_DECLARED: _("Judge's conflicts of interest declared"),
    ENTRY_SCORED: _("Entry scored by a judge"),
    PRIZES_AWARDED: _("Competition prizes awarded"),
    CERTIFICATE_DOWNLOADED: _("Prize certificate downloaded"),
    ENTRIES_EXPORTED: _("Competition entries exported"),
    SCORES_EXPORTED: _("Competition scores exported"),
}

# Reminders (campaigns.reminders).
REMINDER_STAGE_REPORT_DUE = "campaigns.stage_report_due"
REMINDER_STAGE_REPORT_OVERDUE = "campaigns.stage_report_overdue"
REMINDER_JUDGING_OVERDUE = "campaigns.judging_overdue"
REMINDER_APPROVAL_WAITING = "campaigns.approval_waiting"

REMINDER_KINDS = {
    REMINDER_STAGE_REPORT_DUE: _("Stage reports coming due"),
    REMINDER_STAGE_REPORT_OVERDUE: _("Stage reports overdue"),
    REMINDER_JUDGING_OVERDUE: _("Judging overdue"),
    REMINDER_APPROVAL_WAITING: _("Competitions waiting for approval"),
}
