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

# Honours: rounds, quotas, nominations and their reviews.
ROUND_CREATED = "campaigns.round_created"
ROUND_CHANGED = "campaigns.round_changed"
ROUND_OPENED = "campaigns.round_opened"
QUOTA_SET = "campaigns.quota_set"
NOMINATION_CREATED = "campaigns.nomination_created"
NOMINATION_CHANGED = "campaigns.nomination_changed"
NOMINATION_SUBMITTED = "campaigns.nomination_submitted"
NOMINATION_WITHDRAWN = "campaigns.nomination_withdrawn"
NOMINATION_REVIEWED = "campaigns.nomination_reviewed"
NOMINATION_RETURNED = "campaigns.nomination_returned"
NOMINATION_REJECTED = "campaigns.nomination_rejected"
LIST_FORWARDED = "campaigns.list_forwarded"
VETTING_OPINION_RECORDED = "campaigns.vetting_opinion_recorded"
VETTING_OVERRIDDEN = "campaigns.vetting_overridden"
# The public notice and objections.
NOTICE_PUBLISHED = "campaigns.notice_published"
OBJECTION_RECEIVED = "campaigns.objection_received"
OBJECTION_ASSIGNED = "campaigns.objection_assigned"
OBJECTION_ANSWERED = "campaigns.objection_answered"
OBJECTION_CLOSED = "campaigns.objection_closed"
OBJECTOR_VIEWED = "campaigns.objector_viewed"
# Decision, register and care.
NOMINATION_AWARDED = "campaigns.nomination_awarded"
HONOUR_ENTERED = "campaigns.honour_entered"
HONOUR_REVOKED = "campaigns.honour_revoked"
HONOUR_CERTIFICATE_DOWNLOADED = "campaigns.honour_certificate_downloaded"
CARE_RECORDED = "campaigns.care_recorded"
STUDIO_CHANGED = "campaigns.studio_changed"
STUDIO_REVIEWED = "campaigns.studio_reviewed"
CALENDAR_CHANGED = "campaigns.calendar_changed"
NOMINATION_FORM_DOWNLOADED = "campaigns.nomination_form_downloaded"
HONOUR_KIND_CHANGED = "campaigns.honour_kind_changed"
CARE_LIST_EXPORTED = "campaigns.care_list_exported"

AUDIT_ACTIONS |= {
    ROUND_CREATED: _("Honours round drafted"),
    ROUND_CHANGED: _("Honours round changed"),
    ROUND_OPENED: _("Honours round opened for nominations"),
    QUOTA_SET: _("Honours quota set"),
    NOMINATION_CREATED: _("Nomination drafted"),
    NOMINATION_CHANGED: _("Nomination changed"),
    NOMINATION_SUBMITTED: _("Nomination submitted"),
    NOMINATION_WITHDRAWN: _("Nomination withdrawn"),
    NOMINATION_REVIEWED: _("Nomination passed a review"),
    NOMINATION_RETURNED: _("Nomination returned to its nominator"),
    NOMINATION_REJECTED: _("Nomination rejected"),
    LIST_FORWARDED: _("Nomination list forwarded"),
    VETTING_OPINION_RECORDED: _("Joint vetting opinion recorded"),
    VETTING_OVERRIDDEN: _("Nomination passed despite the joint vetting"),
    NOTICE_PUBLISHED: _("Public notice published"),
    OBJECTION_RECEIVED: _("Objection received"),
    OBJECTION_ASSIGNED: _("Objection assigned"),
    OBJECTION_ANSWERED: _("Objection answered"),
    OBJECTION_CLOSED: _("Objection closed"),
    OBJECTOR_VIEWED: _("Objector's details viewed"),
    NOMINATION_AWARDED: _("Honour conferred"),
    HONOUR_ENTERED: _("Honour entered in the register"),
    HONOUR_REVOKED: _("Honour revoked"),
    HONOUR_CERTIFICATE_DOWNLOADED: _("Honour certificate downloaded"),
    CARE_RECORDED: _("Model worker's care recorded"),
    STUDIO_CHANGED: _("Innovation studio recorded"),
    STUDIO_REVIEWED: _("Innovation studio reviewed"),
    CALENDAR_CHANGED: _("Working-day calendar changed"),
    NOMINATION_FORM_DOWNLOADED: _("Nomination approval form downloaded"),
    HONOUR_KIND_CHANGED: _("Honour kind changed"),
    CARE_LIST_EXPORTED: _("Model workers' care list exported"),
}

REMINDER_REVIEW_DUE = "campaigns.honour_review_due"
REMINDER_NOTICE_ENDING = "campaigns.notice_ending"
REMINDER_OBJECTION_OPEN = "campaigns.objection_open"
REMINDER_CARE_DUE = "campaigns.care_due"
REMINDER_CALENDAR_MISSING = "campaigns.calendar_missing"

REMINDER_KINDS |= {
    REMINDER_REVIEW_DUE: _("Nominations waiting for your review"),
    REMINDER_NOTICE_ENDING: _("Public notices ending"),
    REMINDER_OBJECTION_OPEN: _("Objections waiting for an answer"),
    REMINDER_CARE_DUE: _("Model workers' care due before a festival"),
    REMINDER_CALENDAR_MISSING: _("Next year's working-day calendar missing"),
}
