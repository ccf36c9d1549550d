"""Task forces: the lead assesses the members (never themself), closing needs everyone assessed, and a
member sees their own grade only once the force is closed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from cadres import kinds, selectors
from cadres.models import TaskForce, TaskForceMember
from cadres.services import taskforces as services

from ..factories import UserFactory
from .factories import CadreFactory

D = datetime.date


@pytest.fixture
def force(tree, cadre, district_cadre_officer):
    """A task force of district 1 led by ``cadre`` (who has an account), with two members."""
    force = services.task_force_create(
        organiser=tree["d1"],
        name="新就业形态劳动者入会工作专班",
        purpose="推动快递员、外卖配送员入会",
        lead=cadre,
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 11, 30),
        by=district_cadre_officer,
    )
    for name, duty in (("张伟", "联络员"), ("赵敏", "宣传")):
        member = CadreFactory(union=tree["g1"], name=name, user=UserFactory())
        services.task_force_member_add(task_force=force, cadre=member, duty=duty, by=district_cadre_officer)
    return force


def member(force, name) -> TaskForceMember:
    return force.members.get(cadre__name=name)


def test_the_lead_assesses_each_member_on_their_own_page_and_the_officer_closes(force, cadre, district_cadre_officer):
    services.task_force_start_assessing(task_force=force, by=district_cadre_officer)
    lead = Client(enforce_csrf_checks=False)
    lead.force_login(cadre.user)
    url = reverse("cadres:my_task_force", args=[force.pk])
    page = lead.get(url)
    assert page.status_code == 200 and "张伟" in page.content.decode()

    for name, grade in (("张伟", "excellent"), ("赵敏", "good")):
        response = lead.post(url, {"member": member(force, name).pk, "grade": grade, "comment": "表现突出"})
        assert response.status_code == 302, response.content.decode()[:500]

    assert member(force, "张伟").grade == "excellent" and member(force, "张伟").assessed_by == cadre.user
    assert AuditEvent.objects.filter(action=kinds.TASK_FORCE_MEMBER_ASSESSED).count() == 2
    services.task_force_close(task_force=force, by=district_cadre_officer)
    assert TaskForce.objects.get(pk=force.pk).status == TaskForce.Status.CLOSED


def test_the_lead_never_assesses_themself_an_officer_does(force, cadre, district_cadre_officer):
    services.task_force_member_add(task_force=force, cadre=cadre, duty="组长", by=district_cadre_officer)
    services.task_force_start_assessing(task_force=force, by=district_cadre_officer)
    own = member(force, cadre.name)
    with pytest.raises(ValidationError, match="Nobody assesses themself"):
        services.task_force_member_assess(member=own, grade="excellent", comment="", by=cadre.user)
    # through the page, too: the message, and nothing recorded
    lead = Client()
    lead.force_login(cadre.user)
    url = reverse("cadres:my_task_force", args=[force.pk])
    response = lead.post(url, {"member": own.pk, "grade": "excellent", "comment": ""})
    assert response.status_code == 400
    assert member(force, cadre.name).grade == ""
    services.task_force_member_assess(member=own, grade="good", comment="组织有力", by=district_cadre_officer)
    assert member(force, cadre.name).grade == "good"


def test_closing_is_refused_naming_who_is_not_assessed(force, cadre, district_cadre_officer):
    services.task_force_start_assessing(task_force=force, by=district_cadre_officer)
    services.task_force_member_assess(member=member(force, "张伟"), grade="good", comment="", by=cadre.user)
    with pytest.raises(ValidationError) as refused:
        services.task_force_close(task_force=force, by=district_cadre_officer)
    assert "赵敏" in refused.value.messages[0] and "张伟" not in refused.value.messages[0]
    # the detail page says it too
    officer = Client()
    officer.force_login(district_cadre_officer)
    response = officer.post(reverse("cadres:task_force_close", args=[force.pk]))
    assert response.status_code == 400 and "赵敏" in response.content.decode()
    assert TaskForce.objects.get(pk=force.pk).status == TaskForce.Status.ASSESSING


def test_assessing_waits_for_the_work_to_be_done_and_only_the_lead_or_an_officer_assesses(
    force, cadre, district_cadre_officer
):
    with pytest.raises(ValidationError, match="“Working”"):
        services.task_force_member_assess(member=member(force, "张伟"), grade="good", comment="", by=cadre.user)
    services.task_force_start_assessing(task_force=force, by=district_cadre_officer)
    other_member = member(force, "赵敏").cadre.user
    with pytest.raises(PermissionDenied):
        services.task_force_member_assess(member=member(force, "张伟"), grade="poor", comment="", by=other_member)
    with pytest.raises(ValidationError, match="“Being assessed”"):
        services.task_force_member_add(
            task_force=force, cadre=CadreFactory(union=cadre.union), by=district_cadre_officer
        )


def test_a_member_sees_their_own_grade_only_once_the_force_is_closed(force, cadre, district_cadre_officer):
    services.task_force_start_assessing(task_force=force, by=district_cadre_officer)
    for name, grade in (("张伟", "excellent"), ("赵敏", "fair")):
        services.task_force_member_assess(member=member(force, name), grade=grade, comment="", by=cadre.user)
    zhang = member(force, "张伟").cadre.user
    assert list(selectors.own_task_force_results(zhang)) == []
    services.task_force_close(task_force=force, by=district_cadre_officer)
    results = list(selectors.own_task_force_results(zhang))
    assert [(r.cadre.name, r.grade) for r in results] == [("张伟", "excellent")]
    # the member's own page of the force is the lead's only
    client = Client()
    client.force_login(zhang)
    assert client.get(reverse("cadres:my_task_force", args=[force.pk])).status_code == 404


def test_members_come_from_the_officers_scope_once_each(force, other_district_cadre, district_cadre_officer):
    with pytest.raises(ValidationError, match="your part of the tree"):
        services.task_force_member_add(task_force=force, cadre=other_district_cadre, by=district_cadre_officer)
    with pytest.raises(ValidationError, match="already a member"):
        services.task_force_member_add(task_force=force, cadre=member(force, "张伟").cadre, by=district_cadre_officer)
    with pytest.raises(ValidationError, match="within the task force's period"):
        services.task_force_member_add(
            task_force=force,
            cadre=CadreFactory(union=force.organiser),
            joined_on=D(2027, 1, 1),
            by=district_cadre_officer,
        )
    assert force.members.count() == 2


def test_a_lead_outside_scope_and_dates_out_of_order_are_refused(
    tree, other_district_cadre, cadre, district_cadre_officer
):
    common = {"organiser": tree["d1"], "name": "专班", "purpose": "目的", "by": district_cadre_officer}
    with pytest.raises(ValidationError, match="lead"):
        services.task_force_create(lead=other_district_cadre, starts_on=D(2026, 1, 1), ends_on=D(2026, 2, 1), **common)
    with pytest.raises(ValidationError, match="end cannot be before"):
        services.task_force_create(lead=cadre, starts_on=D(2026, 2, 1), ends_on=D(2026, 1, 1), **common)
    with pytest.raises(PermissionDenied):
        services.task_force_create(
            lead=cadre, starts_on=D(2026, 1, 1), ends_on=D(2026, 2, 1), **{**common, "organiser": tree["d2"]}
        )
    assert not TaskForce.objects.exists()
