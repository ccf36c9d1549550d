"""Words of allauth (and one of Django's) that the portal says otherwise in Chinese.

allauth's own catalogue mixes English into its Chinese (Email地址, 添加Email, "输入您的密码:"), and
Django's Chinese catalogue has no entry for its current password-length message. The portal's
catalogue comes first (``LOCALE_PATHS``), so its entries for these msgids win. They are listed here
so that ``makemessages`` keeps them in the catalogue; nothing imports this module.
tests/accounts/test_allauth_pages_zh.py reads the pages they appear on.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MSGIDS = [
    gettext_noop("Phone"),
    gettext_noop("Phone Verification"),
    gettext_noop("Enter Phone Verification Code"),
    gettext_noop("Code"),
    gettext_noop("We've sent a code to %(recipient)s. The code expires shortly, so please enter it soon."),
    gettext_noop("Incorrect code."),
    gettext_noop("Request new code"),
    gettext_noop("Use a different phone number"),
    gettext_noop("Your phone number is still pending verification."),
    gettext_noop("The phone number and/or password you specified are not correct."),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Email (optional)"),
    gettext_noop("Email Addresses"),
    gettext_noop("Email Address"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Primary"),
    gettext_noop("Make Primary"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Do you really want to remove the selected email address?"),
    gettext_noop("Verify Your Email Address"),
    gettext_noop("Current email"),
    gettext_noop("Confirm Email Address"),
    gettext_noop("Primary email address set."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("You cannot remove your primary email address."),
    gettext_noop("Email Changed"),
    gettext_noop("Your email has been confirmed."),
    gettext_noop("Email Confirmation"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    gettext_noop("Email Removed"),
    gettext_noop("In case you forgot, your username is %(username)s."),
    gettext_noop("Bad Token"),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Enter your password:"),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("Sign Out"),
    gettext_noop("Are you sure you want to sign out?"),
    gettext_noop("If you have not created an account yet, then please %(link)ssign up%(end_link)s first."),
    gettext_noop("Enter a valid email address."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    ),
]
