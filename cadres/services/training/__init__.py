"""Training classes (培训班): creating and changing a class, enrolment, attendance (by the officer or by
the cadre scanning the class's QR code) and finishing, which credits the hours.

The leave rule (请假): a cadre's absence is the days without a sign-in, each worth the class's hours
divided by its days, plus the hours of leave recorded; absent for more than one seventh of the class's
hours, the cadre is withdrawn and credited nothing, otherwise completes and is credited the class's
hours. A finished class no longer changes; nor does a class whose year the ledger has closed.
"""

from .attendance import (
    CheckIn,
    Mark,
    attendance_record,
    check_in_refusal,
    check_in_state,
    class_check_in,
)
from .classes import (
    ACTIVE_STATUSES,
    MAX_HOURS_PER_DAY,
    PLACE_HOLDING,
    EnrolResult,
    audience_of,
    class_cancel,
    class_create,
    class_enrol_audience,
    class_enrol_cadres,
    class_qr_renew,
    class_update,
    enrolment_cancel,
    places_taken,
)
from .finishing import (
    FinishResult,
    absence_hours,
    class_finish,
    days_gone,
    is_withdrawn,
    over_leave_limit,
)

__all__ = [
    "ACTIVE_STATUSES",
    "MAX_HOURS_PER_DAY",
    "PLACE_HOLDING",
    "CheckIn",
    "EnrolResult",
    "FinishResult",
    "Mark",
    "absence_hours",
    "attendance_record",
    "audience_of",
    "check_in_refusal",
    "check_in_state",
    "class_cancel",
    "class_check_in",
    "class_create",
    "class_enrol_audience",
    "class_enrol_cadres",
    "class_finish",
    "class_qr_renew",
    "class_update",
    "days_gone",
    "enrolment_cancel",
    "is_withdrawn",
    "over_leave_limit",
    "places_taken",
]
