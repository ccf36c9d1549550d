"""The cadres app's audit actions and reminder kinds; ``CadresConfig.ready()`` registers their labels."""

from django.utils.translation import gettext_lazy as _

CADRE_CREATED = "cadres.cadre_created"
CADRE_EDITED = "cadres.cadre_edited"
CADRE_STATUS_CHANGED = "cadres.cadre_status_changed"
CADRES_IMPORTED = "cadres.cadres_imported"
CADRES_EXPORTED = "cadres.cadres_exported"
ROTATION_RECORDED = "cadres.rotation_recorded"
POLITICAL_REVIEW_RECORDED = "cadres.political_review_recorded"
SETTINGS_CHANGED = "cadres.settings_changed"
CLASS_CREATED = "cadres.class_created"
CLASS_FINISHED = "cadres.class_finished"
ATTENDANCE_IMPORTED = "cadres.attendance_imported"
EXTERNAL_TRAINING_APPROVED = "cadres.external_training_approved"
EXTERNAL_TRAINING_RETURNED = "cadres.external_training_returned"
HOURS_RULE_CHANGED = "cadres.hours_rule_changed"
LEDGER_YEAR_CLOSED = "cadres.ledger_year_closed"
LEDGER_EXPORTED = "cadres.ledger_exported"
SECONDMENT_STARTED = "cadres.secondment_started"
SECONDMENT_REVIEWED = "cadres.secondment_reviewed"
STAY_REVIEWED = "cadres.stay_reviewed"
TASK_FORCE_MEMBER_ASSESSED = "cadres.task_force_member_assessed"
ASSESSMENT_ROUND_OPENED = "cadres.assessment_round_opened"
ASSESSMENT_EVALUATED = "cadres.assessment_evaluated"
ASSESSMENT_CONFIRMED = "cadres.assessment_confirmed"
ASSESSMENT_PUBLISHED = "cadres.assessment_published"
# Training: classes, enrolment and attendance.
CLASS_EDITED = "cadres.class_edited"
CLASS_CANCELLED = "cadres.class_cancelled"
CLASS_ENROLLED = "cadres.class_enrolled"
ENROLMENT_CANCELLED = "cadres.enrolment_cancelled"
ATTENDANCE_RECORDED = "cadres.attendance_recorded"
CLASS_QR_RENEWED = "cadres.class_qr_renewed"
# Reports over cadres.
CADRE_FILE_DOWNLOADED = "cadres.cadre_file_downloaded"

AUDIT_ACTIONS = {
    CADRE_CREATED: _("Cadre added"),
    CADRE_EDITED: _("Cadre edited"),
    CADRE_STATUS_CHANGED: _("Cadre left or retired"),
    CADRES_IMPORTED: _("Cadres imported"),
    CADRES_EXPORTED: _("Cadres exported"),
    ROTATION_RECORDED: _("Rotation recorded"),
    POLITICAL_REVIEW_RECORDED: _("Political-quality assessment recorded"),
    SETTINGS_CHANGED: _("Cadre settings changed"),
    CLASS_CREATED: _("Training class created"),
    CLASS_FINISHED: _("Training class finished, hours credited"),
    ATTENDANCE_IMPORTED: _("Attendance sheet imported"),
    EXTERNAL_TRAINING_APPROVED: _("External training approved"),
    EXTERNAL_TRAINING_RETURNED: _("External training returned"),
    HOURS_RULE_CHANGED: _("Hours rule changed"),
    LEDGER_YEAR_CLOSED: _("Ledger year closed"),
    LEDGER_EXPORTED: _("Hours ledger exported"),
    SECONDMENT_STARTED: _("Secondment started"),
    SECONDMENT_REVIEWED: _("Secondment reviewed"),
    STAY_REVIEWED: _("Grassroots stay reviewed"),
    TASK_FORCE_MEMBER_ASSESSED: _("Task force member assessed"),
    ASSESSMENT_ROUND_OPENED: _("Assessment round opened"),
    ASSESSMENT_EVALUATED: _("Assessment graded"),
    ASSESSMENT_CONFIRMED: _("Assessment confirmed"),
    ASSESSMENT_PUBLISHED: _("Assessments published"),
    # Training: classes, enrolment and attendance.
    CLASS_EDITED: _("Training class edited"),
    CLASS_CANCELLED: _("Training class cancelled"),
    CLASS_ENROLLED: _("Cadres enrolled in a training class"),
    ENROLMENT_CANCELLED: _("Enrolment in a training class cancelled"),
    ATTENDANCE_RECORDED: _("Class attendance recorded by an officer"),
    CLASS_QR_RENEWED: _("Check-in QR code of a class renewed"),
    # Reports over cadres.
    CADRE_FILE_DOWNLOADED: _("Cadre information form downloaded by an officer"),
}

# Reminders (cadres.reminders); a user chooses which of them also come by e-mail.
REMINDER_HOURS_HALF_SHORT = "cadres.hours_half_short"
REMINDER_HOURS_SHORT = "cadres.hours_short"
REMINDER_SECONDMENT_ENDING = "cadres.secondment_ending"
REMINDER_REPORT_OVERDUE = "cadres.report_overdue"
REMINDER_EXTERNAL_WAITING = "cadres.external_training_waiting"
REMINDER_SELF_REPORT_DUE = "cadres.self_report_due"

REMINDER_KINDS = {
    REMINDER_HOURS_HALF_SHORT: _("Training hours short by more than half at mid-year"),
    REMINDER_HOURS_SHORT: _("Training hours still short at the start of the fourth quarter"),
    REMINDER_SECONDMENT_ENDING: _("Secondments ending within 30 days"),
    REMINDER_REPORT_OVERDUE: _("Secondment and stay reports overdue"),
    REMINDER_EXTERNAL_WAITING: _("External training waiting for my approval"),
    REMINDER_SELF_REPORT_DUE: _("Yearly assessment self-report due"),
}
