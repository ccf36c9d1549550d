"""The member's e-card PDF downloads under the member's own name, not their union's."""

from urllib.parse import quote

from django.urls import reverse

from reports import services
from reports.models import Report
from tests.pages import client_for

from ..factories import UserFactory
from .conftest import make_member


def test_the_card_pdf_is_named_after_the_member(tree, django_capture_on_commit_callbacks):
    worker = UserFactory()
    make_member(tree["g1"], name="王小明", user=worker, card=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(kind=Report.Kind.MEMBER_CARD, union=None, params={}, by=worker)

    response = client_for(worker).get(reverse("reports:download", args=[report.pk]))

    disposition = response["Content-Disposition"]
    assert response.status_code == 200 and disposition.startswith("attachment")
    assert quote("王小明") in disposition
    assert quote(tree["g1"].name) not in disposition
