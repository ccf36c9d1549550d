"""The political-quality file: dated entries recorded by cadre officers in scope, audited; the veto."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import PoliticalReview
from cadres.political import political_veto
from cadres.services.profiles import political_review_record
from tests.pages import client_for, text

D = datetime.date


def test_an_officer_records_an_assessment_and_reads_it(cadre, district_cadre_officer):
    client = client_for(district_cadre_officer)
    response = client.post(
        reverse("cadres:political_create", args=[cadre.pk]),
        {
            "assessed_on": "2025-11-20",
            "conclusion": "fail",
            "issues_found": "理论学习不深入",
            "measures": "参加专题学习",
            "feedback": "已当面反馈",
            "feedback_given_on": "2025-11-25",
        },
    )
    review = PoliticalReview.objects.get()
    assert response["Location"] == reverse("cadres:political_detail", args=[review.pk])
    assert (review.recorded_by, review.conclusion) == (district_cadre_officer, "fail")
    event = AuditEvent.objects.get(action=kinds.POLITICAL_REVIEW_RECORDED)
    assert event.target_id == str(cadre.pk) and "理论" not in str(event.detail)
    body = text(client.get(reverse("cadres:political_detail", args=[review.pk])))
    assert "理论学习不深入" in body and "one-vote veto" in body
    assert political_veto(cadre)


def test_the_entry_of_a_cadre_outside_scope_answers_404(
    tree, other_district_cadre, cadre_officer, district_cadre_officer
):
    review = political_review_record(
        cadre=other_district_cadre, assessed_on=D(2025, 1, 1), conclusion="pass", by=cadre_officer
    )
    url = reverse("cadres:political_detail", args=[review.pk])
    assert client_for(district_cadre_officer).get(url).status_code == 404
    assert client_for(cadre_officer).get(url).status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"conclusion": "fail", "issues_found": ""}, "issues_found", "Say which issues were found"),
        ({"assessed_on": D(2999, 1, 1)}, "assessed_on", "future"),
        ({"feedback_given_on": D(2024, 1, 1), "feedback": "x"}, "feedback_given_on", "before the assessment"),
        ({"feedback_given_on": D(2025, 6, 1), "feedback": ""}, "feedback", "Write the feedback"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(cadre, district_cadre_officer, data, field, message):
    args = {"assessed_on": D(2025, 5, 1), "conclusion": "pass", **data}
    with pytest.raises(ValidationError) as caught:
        political_review_record(cadre=cadre, by=district_cadre_officer, **args)
    assert message in caught.value.message_dict[field][0]
    assert not PoliticalReview.objects.exists()


def test_no_entry_means_no_veto(cadre):
    assert not political_veto(cadre)


def test_the_form_shows_the_services_message_beside_the_field(cadre, district_cadre_officer):
    response = client_for(district_cadre_officer).post(
        reverse("cadres:political_create", args=[cadre.pk]), {"assessed_on": "2025-05-01", "conclusion": "fail"}
    )
    assert response.status_code == 400
    assert "Say which issues were found" in response.context["form"].errors["issues_found"][0]
