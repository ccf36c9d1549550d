"""The cadre settings: a cadre officer of the city federation changes them, audited; nobody else."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import CadreSettings
from tests.pages import client_for
from unions.models import Role

from ..factories import staff

URL = reverse("cadres:settings")


def test_the_city_cadre_officer_changes_the_settings(cadre_officer):
    client = client_for(cadre_officer, csrf=True)
    assert client.get(URL).status_code == 200
    token = client.cookies["csrftoken"].value
    response = client.post(URL, {"rotation_due_years": 6, "excellent_share_percent": 15, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    settings = CadreSettings.current()
    assert (settings.rotation_due_years, settings.excellent_share_percent, settings.updated_by) == (
        6,
        15,
        cadre_officer,
    )
    event = AuditEvent.objects.get(action=kinds.SETTINGS_CHANGED)
    assert event.detail == {
        "before": {"rotation_due_years": 5, "excellent_share_percent": 20},
        "after": {"rotation_due_years": 6, "excellent_share_percent": 15},
    }


def test_saving_unchanged_settings_writes_no_audit_row(cadre_officer):
    client_for(cadre_officer).post(URL, {"rotation_due_years": 5, "excellent_share_percent": 20})
    assert not AuditEvent.objects.filter(action=kinds.SETTINGS_CHANGED).exists()


def test_out_of_range_values_are_refused(cadre_officer):
    response = client_for(cadre_officer).post(URL, {"rotation_due_years": 0, "excellent_share_percent": 120})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"rotation_due_years", "excellent_share_percent"}
    assert CadreSettings.current().rotation_due_years == 5


@pytest.mark.parametrize(
    ("kind", "node"),
    [(Role.Kind.CADRE_OFFICER, "d1"), (Role.Kind.CITY_ADMIN, "city"), (Role.Kind.LEADER, "city")],
)
def test_others_are_refused(tree, kind, node):
    client = client_for(staff(kind, tree[node]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"rotation_due_years": 9, "excellent_share_percent": 50}).status_code == 403
    assert CadreSettings.current().rotation_due_years == 5
