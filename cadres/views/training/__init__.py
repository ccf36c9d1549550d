"""Training pages: the classes of the officer's subtree, a class with its enrolments, the officer's
attendance table, the QR poster and the cadre's check-in after scanning it, and the cadre's own hub."""

from .attendance import check_in, class_attendance, class_qr, class_qr_renew
from .classes import (
    ClassCreateView,
    ClassEditView,
    ClassListView,
    class_cancel,
    class_detail,
    class_enrol,
    class_finish,
    class_unenrol,
)
from .mine import my_home

__all__ = [
    "ClassCreateView",
    "ClassEditView",
    "ClassListView",
    "check_in",
    "class_attendance",
    "class_cancel",
    "class_detail",
    "class_enrol",
    "class_finish",
    "class_qr",
    "class_qr_renew",
    "class_unenrol",
    "my_home",
]
