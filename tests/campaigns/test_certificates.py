"""The prize certificate PDF: what it says (read back with pdftotext), its QR code's address, and who may
download it."""

import os
import shutil
import subprocess

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from campaigns import kinds
from campaigns.certificates import check_url
from campaigns.services.awards import prizes_award

from .test_awards import ranked

pytestmark = pytest.mark.django_db


@pytest.fixture
def awards(competition, tree, clerk1, organiser):
    ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6])
    return sorted(prizes_award(competition=competition, by=organiser), key=lambda a: a.entry.rank)


def test_check_url_is_at_the_public_address(awards, settings):
    url = check_url(awards[0])
    assert url.startswith(settings.SITE_URL)
    assert url.endswith(reverse("campaigns:certificate_check", args=[awards[0].token]))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_the_certificate_says_who_won_what_in_chinese(client, awards, competition, clerk1, tmp_path):
    award = awards[0]
    client.force_login(clerk1)
    response = client.get(reverse("campaigns:certificate_pdf", args=[award.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"certificate-{award.number}.pdf" in response["Content-Disposition"]
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.content)
    if artifacts := os.environ.get("ARTIFACTS_DIR"):
        shutil.copy(pdf, artifacts)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert competition.title in flat
    assert award.entry.name in flat
    assert "一等奖" in flat
    assert "东城区总工会" in flat  # the organiser
    assert award.number in flat
    assert "获奖证书" in flat
    assert "王师傅" not in flat  # the team leader is not on it
    event = AuditEvent.objects.get(action=kinds.CERTIFICATE_DOWNLOADED)
    assert event.actor == clerk1 and event.target_id == str(award.pk)


def test_the_organisers_staff_may_download(client, awards, organiser):
    client.force_login(organiser)
    assert client.get(reverse("campaigns:certificate_pdf", args=[awards[1].pk])).status_code == 200


def test_others_may_not(client, awards, clerk2, other_district_staff, judge_user, district_leader):
    url = reverse("campaigns:certificate_pdf", args=[awards[0].pk])
    assert client.get(url).status_code == 302  # to sign in
    for user in (clerk2, other_district_staff, judge_user, district_leader):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    assert not AuditEvent.objects.filter(action=kinds.CERTIFICATE_DOWNLOADED).exists()
