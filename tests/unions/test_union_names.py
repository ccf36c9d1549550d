"""Union names go into e-mail subjects: a control character (CR, LF, tab, a direction override) in one
is refused where staff type it, and a name that still holds one never makes a decision fail."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from accounts.models import Notification
from members.models import Application, Member
from tests.members.test_approval_pages import submit
from tests.pages import client_for
from unions import services
from unions.models import Role, Union

from ..factories import staff
from .test_views import body, edit_data, in_language, tree_state

K = Union.Kind
R = Role.Kind
BAD_NAMES = ["东华门\r\nBcc: all@example.org", "东华门\n工会", "东华门\t工会", "东华门\u202e会工", "东华门\u2028工会"]
MESSAGE = "Enter one line of text, without line breaks or control characters."


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.mark.parametrize("name", BAD_NAMES, ids=["crlf-header", "lf", "tab", "rlo", "line-separator"])
def test_a_union_name_with_a_control_character_is_refused_on_the_create_form(tree, name):
    district_staff = staff(R.FEDERATION_STAFF, tree["d1"])
    before = tree_state()

    response = client_for(district_staff, english=False).post(
        reverse("unions:create", args=[tree["s1"].pk]), {"kind": K.GRASSROOTS_UNION, "name": name}
    )

    assert response.status_code == 400
    assert in_language(MESSAGE) in body(response)
    assert tree_state() == before


@pytest.mark.parametrize("field", ["name", "employer_name", "chair_name", "address"])
def test_a_control_character_in_any_single_line_field_of_the_edit_form_is_refused(tree, field):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    before = tree_state()

    response = client_for(clerk, english=False).post(
        reverse("unions:edit", args=[tree["g1"].pk]), edit_data(tree["g1"], **{field: "某某\r\n某某"})
    )

    assert response.status_code == 400
    assert in_language(MESSAGE) in body(response)
    assert tree_state() == before


def test_the_union_services_refuse_a_control_character_too(tree):
    admin = staff(R.CITY_ADMIN, tree["city"])
    with pytest.raises(ValidationError):
        services.union_create(parent=tree["s1"], by=admin, kind=K.GRASSROOTS_UNION, name="甲\r\n乙")
    with pytest.raises(ValidationError):
        services.union_update(union=tree["g1"], by=admin, name="甲\n乙")
    assert not Union.objects.filter(name__contains="\n").exists()


def test_an_ordinary_name_with_inner_spaces_and_a_middle_dot_is_kept(tree):
    district_staff = staff(R.FEDERATION_STAFF, tree["d1"])
    response = client_for(district_staff).post(
        reverse("unions:create", args=[tree["s1"].pk]),
        {"kind": K.GRASSROOTS_UNION, "name": "阿依古丽·木合塔尔 工作室工会"},
    )
    assert response.status_code == 302
    assert Union.objects.filter(name="阿依古丽·木合塔尔 工作室工会").exists()


def test_an_approval_into_a_union_whose_name_holds_a_newline_succeeds_and_the_mail_is_sent_on_one_line(
    tree, django_capture_on_commit_callbacks
):
    # given a union named before the check existed, with a line break in its name
    Union.objects.filter(pk=tree["g1"].pk).update(name="东城机械厂\r\n工会")
    application = submit(Union.objects.get(pk=tree["g1"].pk), "王五")
    clerk = staff(R.UNION_CLERK, tree["g1"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(clerk).post(reverse("members:application_approve", args=[application.pk]))

    assert response.status_code == 302
    assert Member.objects.filter(name="王五").exists()
    (sent,) = mail.outbox
    assert "\n" not in sent.subject and "\r" not in sent.subject and "东城机械厂 工会" in sent.subject


def test_a_mail_server_that_fails_never_fails_the_approval(tree, settings, django_capture_on_commit_callbacks, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    application = submit(tree["g1"], "王五")
    clerk = staff(R.UNION_CLERK, tree["g1"])

    with caplog.at_level(logging.WARNING, logger="accounts.notify"), django_capture_on_commit_callbacks(execute=True):
        response = client_for(clerk).post(reverse("members:application_approve", args=[application.pk]))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    # the inbox has the message; its e-mail copy is still owed, and the failure is in the log
    note = Notification.objects.get(recipient=application.applicant)
    assert note.email_pending and note.emailed_at is None
    assert any("could not be e-mailed" in record.getMessage() for record in caplog.records)
