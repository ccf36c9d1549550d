"""Every write and state change of the members app. Import from here; the modules split by subject."""

from .cards import card_issue, card_revoke
from .membership import (
    CONSENT_TEXT_VERSION,
    DETAIL_FIELDS,
    accepts_applications,
    application_approve,
    application_correct,
    application_reject,
    application_request_correction,
    application_submit,
    application_withdraw,
    applications_bulk_approve,
    consent_give,
    member_end,
    member_reveal_id,
    member_update,
)
from .transfers import (
    transfer_accept,
    transfer_cancel,
    transfer_decline,
    transfer_release,
    transfer_request,
)

__all__ = [
    "CONSENT_TEXT_VERSION",
    "DETAIL_FIELDS",
    "accepts_applications",
    "application_approve",
    "application_correct",
    "application_reject",
    "application_request_correction",
    "application_submit",
    "application_withdraw",
    "applications_bulk_approve",
    "card_issue",
    "card_revoke",
    "consent_give",
    "member_end",
    "member_reveal_id",
    "member_update",
    "transfer_accept",
    "transfer_cancel",
    "transfer_decline",
    "transfer_release",
    "transfer_request",
]
