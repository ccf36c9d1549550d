"""The honour certificate PDF: what it says (read back with pdftotext), a PNG of it to look at, its QR
code's address, the audit of each download, and who may download it."""

import os
import shutil
import subprocess

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from campaigns import kinds
from campaigns.honour_certificates import check_url

from .honour_factories import HonourFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def honour(tree, city_staff):
    return HonourFactory(
        union=tree["g1"],
        created_by=city_staff,
        holder_name="李秀英",
        unit_name="东城机械厂",
        year=2026,
        number="RY2026-00012",
        document_number="市工发〔2026〕18号",
        conferring_body="测试市总工会",
    )


def test_the_check_url_is_at_the_public_address(honour, settings):
    url = check_url(honour)
    assert url.startswith(settings.SITE_URL)
    assert url.endswith(reverse("campaigns:honour_check", args=[honour.token]))


@pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"), reason="needs poppler-utils")
def test_the_certificate_says_who_holds_what(client, honour, clerk1, tmp_path):
    client.force_login(clerk1)
    response = client.get(reverse("campaigns:honour_certificate", args=[honour.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "honour-RY2026-00012.pdf" in response["Content-Disposition"]
    pdf = tmp_path / "honour-certificate.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for expected in (
        "荣誉证书",
        "李秀英",
        "东城机械厂",
        "2026年度",
        "劳动模范",
        "荣誉称号",
        "RY2026-00012",
        "测试市总工会",
    ):
        assert expected in flat, expected
    assert "市工发〔2026〕18号" in flat
    assert "1975" not in flat  # no birth date on it
    # one A4 landscape page, drawn to a PNG to look at
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "honour-certificate")], check=True)
    pngs = sorted(tmp_path.glob("honour-certificate*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 5000
    if artifacts := os.environ.get("ARTIFACTS_DIR"):
        shutil.copy(pngs[0], artifacts)
        shutil.copy(pdf, artifacts)
    event = AuditEvent.objects.get(action=kinds.HONOUR_CERTIFICATE_DOWNLOADED)
    assert event.actor == clerk1 and event.target_id == str(honour.pk)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_a_revoked_certificate_says_so(client, honour, city_staff, tmp_path):
    from campaigns.services.register import honour_revoke

    honour_revoke(honour=honour, reason="事迹失实", by=city_staff)
    client.force_login(city_staff)
    pdf = tmp_path / "revoked.pdf"
    pdf.write_bytes(client.get(reverse("campaigns:honour_certificate", args=[honour.pk])).content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "已撤销" in "".join(text.split())


def test_others_may_not_download(client, honour, clerk2, other_district_staff, district_leader):
    url = reverse("campaigns:honour_certificate", args=[honour.pk])
    assert client.get(url).status_code == 302  # to sign in
    for user in (clerk2, other_district_staff, district_leader):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    assert not AuditEvent.objects.filter(action=kinds.HONOUR_CERTIFICATE_DOWNLOADED).exists()
