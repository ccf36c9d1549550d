"""The integrity app's audit actions and reminder kinds; ``IntegrityConfig.ready()`` registers their labels.

The ``*_READ`` actions are the read trail: who opened which record, when; never what it says.
"""

from django.utils.translation import gettext_lazy as _

# The read trail (integrity.trail).
TALK_READ = "integrity.talk_read"
RECTIFICATION_READ = "integrity.rectification_read"
RESPONSIBILITY_LETTER_READ = "integrity.responsibility_letter_read"
OPINION_LETTER_READ = "integrity.opinion_letter_read"
OPINION_RECORD_SHOWN = "integrity.opinion_record_shown"
FOUR_FORMS_ENTRY_READ = "integrity.four_forms_entry_read"
CADRE_RECORD_READ = "integrity.cadre_record_read"
EDUCATION_SESSION_READ = "integrity.education_session_read"
# Talks and rectifications.
TALK_CREATED = "integrity.talk_created"
TALK_FILED = "integrity.talk_filed"
TALK_CORRECTED = "integrity.talk_corrected"
TALK_CLOSED = "integrity.talk_closed"
RECTIFICATION_SET = "integrity.rectification_set"
RECTIFICATION_EVIDENCE = "integrity.rectification_evidence"
RECTIFICATION_STRUCK_OFF = "integrity.rectification_struck_off"
# Warning education.
EDUCATION_SESSION_CREATED = "integrity.education_session_created"
EDUCATION_ATTENDANCE_RECORDED = "integrity.education_attendance_recorded"
EDUCATION_SHEET_IMPORTED = "integrity.education_sheet_imported"
EDUCATION_ATTENDANCE_REMOVED = "integrity.education_attendance_removed"
EDUCATION_QR_RENEWED = "integrity.education_qr_renewed"
# Responsibility letters.
LETTER_TEMPLATE_UPLOADED = "integrity.letter_template_uploaded"
LETTERS_GENERATED = "integrity.letters_generated"
LETTER_SENT = "integrity.letter_sent"
LETTER_SIGNED = "integrity.letter_signed"
LETTER_DOWNLOADED = "integrity.letter_downloaded"
# Opinion letters.
OPINION_REQUESTED = "integrity.opinion_requested"
OPINION_ISSUED = "integrity.opinion_issued"
OPINION_WITHDRAWN = "integrity.opinion_withdrawn"
OPINION_DOWNLOADED = "integrity.opinion_downloaded"
# The four-forms register.
FOUR_FORMS_ENTRY_RECORDED = "integrity.four_forms_entry_recorded"
SETTINGS_CHANGED = "integrity.settings_changed"

AUDIT_ACTIONS = {
    TALK_READ: _("Talk record opened"),
    RECTIFICATION_READ: _("Rectification item opened"),
    RESPONSIBILITY_LETTER_READ: _("Responsibility letter opened"),
    OPINION_LETTER_READ: _("Opinion letter opened"),
    OPINION_RECORD_SHOWN: _("Integrity record shown for an opinion letter"),
    FOUR_FORMS_ENTRY_READ: _("Four-forms entry opened"),
    CADRE_RECORD_READ: _("Integrity record of a cadre opened"),
    EDUCATION_SESSION_READ: _("Warning education session opened"),
    TALK_CREATED: _("Talk drafted"),
    TALK_FILED: _("Talk filed"),
    TALK_CORRECTED: _("Correction added to a talk"),
    TALK_CLOSED: _("Talk closed"),
    RECTIFICATION_SET: _("Rectification item set"),
    RECTIFICATION_EVIDENCE: _("Rectification evidence recorded"),
    RECTIFICATION_STRUCK_OFF: _("Rectification item struck off"),
    EDUCATION_SESSION_CREATED: _("Warning education session created"),
    EDUCATION_ATTENDANCE_RECORDED: _("Warning education attendance recorded"),
    EDUCATION_SHEET_IMPORTED: _("Warning education attendance sheet imported"),
    EDUCATION_ATTENDANCE_REMOVED: _("Warning education attendance removed"),
    EDUCATION_QR_RENEWED: _("Warning education check-in code renewed"),
    LETTER_TEMPLATE_UPLOADED: _("Responsibility letter template uploaded"),
    LETTERS_GENERATED: _("Responsibility letters drafted"),
    LETTER_SENT: _("Responsibility letter sent"),
    LETTER_SIGNED: _("Signed responsibility letter uploaded"),
    LETTER_DOWNLOADED: _("Responsibility letter downloaded"),
    OPINION_REQUESTED: _("Opinion letter requested"),
    OPINION_ISSUED: _("Opinion letter issued"),
    OPINION_WITHDRAWN: _("Opinion letter request withdrawn"),
    OPINION_DOWNLOADED: _("Opinion letter downloaded as PDF"),
    FOUR_FORMS_ENTRY_RECORDED: _("Four-forms entry recorded"),
    SETTINGS_CHANGED: _("Integrity settings changed"),
}

# Reminders (integrity.reminders); a user chooses which of them also come by e-mail.
REMINDER_RECTIFICATION_DUE = "integrity.rectification_due"
REMINDER_RECTIFICATION_OVERDUE = "integrity.rectification_overdue"
REMINDER_TALKS_UNCOVERED = "integrity.talks_uncovered"
REMINDER_LETTERS_UNSIGNED = "integrity.letters_unsigned"
REMINDER_OPINION_WAITING = "integrity.opinion_waiting"
REMINDER_OPINION_ISSUED = "integrity.opinion_issued_notice"

REMINDER_KINDS = {
    REMINDER_RECTIFICATION_DUE: _("Rectification deadlines coming up"),
    REMINDER_RECTIFICATION_OVERDUE: _("Rectification items overdue"),
    REMINDER_TALKS_UNCOVERED: _("Cadres still without this year's integrity talk"),
    REMINDER_LETTERS_UNSIGNED: _("Responsibility letters not yet signed"),
    REMINDER_OPINION_WAITING: _("Opinion letters waiting to be issued"),
    REMINDER_OPINION_ISSUED: _("An opinion letter you asked for is issued"),
}

# Responsibility letters drafted and never sent (integrity.reminders.letters).
REMINDER_LETTERS_NOT_SENT = "integrity.letters_not_sent"
REMINDER_KINDS[REMINDER_LETTERS_NOT_SENT] = _("Responsibility letters drafted but not sent")

# The yearly tracker's uncovered list exported (integrity.views.tracker): names, nodes, posts, no content.
TRACKER_EXPORTED = "integrity.tracker_exported"
AUDIT_ACTIONS[TRACKER_EXPORTED] = _("Cadres without this year's integrity talk exported")

# Chasing a sent letter until it is signed.
LETTER_CHASED = "integrity.letter_chased"
AUDIT_ACTIONS[LETTER_CHASED] = _("Unsigned responsibility letter chased")
REMINDER_LETTER_CHASED = "integrity.letter_chased"
REMINDER_KINDS[REMINDER_LETTER_CHASED] = _("My responsibility letter waiting for my signature")
