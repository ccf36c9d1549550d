"""Entering, accepting, refusing and withdrawing: each rule refuses with its own message and writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from campaigns import kinds
from campaigns.models import Competition, Entry
from campaigns.services.entries import entries_accept, entry_accept, entry_create, entry_refuse, entry_withdraw
from unions.models import Role

from ..factories import grant
from ..members.test_admin import make_member
from .factories import EntryFactory


@pytest.fixture
def open_competition(competition):
    competition.entry_deadline = timezone.localdate() + datetime.timedelta(days=10)
    competition.save(update_fields=["entry_deadline"])
    return competition


def team(competition, union, by, **extra):
    fields = {"kind": "team", "name": "数控一班", "team_leader": "王师傅", "team_size": 6, "person_times": 12}
    fields |= extra
    return entry_create(competition=competition, union=union, by=by, **fields)


def test_a_clerk_enters_a_team_audited(open_competition, tree, clerk1):
    entry = team(open_competition, tree["g1"], clerk1)
    assert (entry.status, entry.kind, entry.name, entry.team_size, entry.person_times) == (
        Entry.Status.ENTERED,
        "team",
        "数控一班",
        6,
        12,
    )
    assert entry.unit_name == (tree["g1"].employer_name or tree["g1"].name)
    assert AuditEvent.objects.filter(action=kinds.ENTRY_ENTERED, target_id=str(entry.pk)).count() == 1


def test_a_unit_takes_the_unions_unit_and_enters_once(open_competition, tree, clerk1):
    g1 = tree["g1"]
    g1.employer_name = "东城机械厂"
    g1.save(update_fields=["employer_name"])
    entry = entry_create(
        competition=open_competition, union=g1, by=clerk1, kind="unit", name="ignored", person_times=30
    )
    assert (entry.name, entry.unit_name) == ("东城机械厂", "东城机械厂")
    with pytest.raises(ValidationError, match="already entered as a unit"):
        entry_create(competition=open_competition, union=g1, by=clerk1, kind="unit", person_times=3)
    assert Entry.objects.count() == 1


def test_an_individual_member_enters_once(open_competition, tree, clerk1):
    member = make_member(tree["g1"], "李四")
    entry = entry_create(
        competition=open_competition, union=tree["g1"], by=clerk1, kind="individual", member=member, person_times=1
    )
    assert (entry.name, entry.member) == ("李四", member)
    with pytest.raises(ValidationError, match="already entered"):
        entry_create(
            competition=open_competition, union=tree["g1"], by=clerk1, kind="individual", member=member, person_times=1
        )
    # withdrawn: the member may enter again
    entry_withdraw(entry=entry, by=clerk1)
    entry_create(
        competition=open_competition, union=tree["g1"], by=clerk1, kind="individual", member=member, person_times=1
    )
    assert Entry.objects.filter(member=member).count() == 2


def test_a_member_of_another_union_is_refused(open_competition, tree, organiser):
    # the organiser's staff may enter g1; a member of g2 is not g1's
    stranger = make_member(tree["g2"], "赵六")
    with pytest.raises(ValidationError) as caught:
        entry_create(
            competition=open_competition,
            union=tree["g1"],
            by=organiser,
            kind="individual",
            member=stranger,
            person_times=1,
        )
    assert "not a member of" in str(caught.value)
    assert not Entry.objects.exists()


def test_a_named_person_needs_name_and_unit(open_competition, tree, clerk1):
    with pytest.raises(ValidationError) as caught:
        entry_create(competition=open_competition, union=tree["g1"], by=clerk1, kind="individual", person_times=1)
    assert set(caught.value.error_dict) == {"name", "unit_name"}
    entry = entry_create(
        competition=open_competition,
        union=tree["g1"],
        by=clerk1,
        kind="individual",
        name="外聘技师",
        unit_name="协作厂",
        person_times=1,
    )
    assert entry.member is None and entry.unit_name == "协作厂"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Competition.Status.REVIEWING}, "does not take entries"),
        ({"entry_deadline": datetime.date(2026, 1, 1)}, "Entries closed on 2026-01-01"),
        ({"accepts_teams": False}, "does not accept entries as"),
    ],
)
def test_closed_or_late_or_kind_not_accepted(open_competition, tree, clerk1, change, message):
    Competition.objects.filter(pk=open_competition.pk).update(**change)
    with pytest.raises(ValidationError, match=message):
        team(open_competition, tree["g1"], clerk1)
    assert not Entry.objects.exists()


def test_outside_scope_and_bad_team(open_competition, tree, clerk1, clerk2):
    with pytest.raises(ValidationError, match="may not enter this union"):
        team(open_competition, tree["g2"], clerk2)
    with pytest.raises(ValidationError, match="may not enter this union"):
        team(open_competition, tree["g2"], clerk1)
    with pytest.raises(ValidationError) as caught:
        team(open_competition, tree["g1"], clerk1, name="", team_leader="", team_size=0)
    assert set(caught.value.error_dict) == {"name", "team_leader", "team_size"}
    with pytest.raises(ValidationError):
        team(open_competition, tree["g1"], clerk1, person_times=0)
    assert not Entry.objects.exists()


def test_accept_and_refuse_tell_the_clerk_once(open_competition, tree, clerk1, organiser):
    first = team(open_competition, tree["g1"], clerk1)
    second = team(open_competition, tree["g1"], clerk1, name="数控二班")
    entry_accept(entry=first, by=organiser)
    with pytest.raises(ValidationError, match="only an entry waiting"):
        entry_accept(entry=first, by=organiser)
    with pytest.raises(ValidationError) as caught:
        entry_refuse(entry=second, by=organiser, reason="  ")
    assert "reason" in caught.value.error_dict
    entry_refuse(entry=second, by=organiser, reason="材料不全")
    second.refresh_from_db()
    assert (second.status, second.refuse_reason, second.decided_by) == (Entry.Status.REFUSED, "材料不全", organiser)
    notes = Notification.objects.filter(recipient=clerk1).order_by("id")
    assert [n.kind for n in notes] == [kinds.ENTRY_ACCEPTED, kinds.ENTRY_REFUSED]
    assert "材料不全" in notes[1].body
    assert AuditEvent.objects.filter(action__in=[kinds.ENTRY_ACCEPTED, kinds.ENTRY_REFUSED]).count() == 2


def test_only_the_organisers_staff_decide(open_competition, tree, clerk1, other_district_staff, city_staff):
    entry = team(open_competition, tree["g1"], clerk1)
    for user in (clerk1, other_district_staff):
        with pytest.raises(PermissionDenied):
            entry_accept(entry=entry, by=user)
    entry_accept(entry=entry, by=city_staff)  # staff above the organiser run it too


def test_bulk_accept_is_all_or_nothing(open_competition, tree, clerk1, organiser):
    waiting = team(open_competition, tree["g1"], clerk1)
    done = EntryFactory(competition=open_competition, union=tree["g1"], entered_by=clerk1)
    with pytest.raises(ValidationError, match=done.name):
        entries_accept(entries=[waiting, done], by=organiser)
    waiting.refresh_from_db()
    assert waiting.status == Entry.Status.ENTERED
    assert entries_accept(entries=[waiting], by=organiser) == 1


def test_withdraw_only_before_the_decision_and_by_the_union(open_competition, tree, clerk1, clerk2, organiser):
    entry = team(open_competition, tree["g1"], clerk1)
    with pytest.raises(PermissionDenied):
        entry_withdraw(entry=entry, by=clerk2)
    entry_accept(entry=entry, by=organiser)
    with pytest.raises(ValidationError, match="withdrawn"):
        entry_withdraw(entry=entry, by=clerk1)


def test_a_closed_competitions_entries_are_not_decided(open_competition, tree, clerk1, organiser):
    entry = team(open_competition, tree["g1"], clerk1)
    Competition.objects.filter(pk=open_competition.pk).update(status=Competition.Status.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        entry_accept(entry=entry, by=organiser)


def test_staff_of_a_federation_may_enter_a_union_below(open_competition, tree, db):
    from ..factories import UserFactory

    street_clerk = UserFactory(username="street")
    grant(street_clerk, tree["s1"], Role.Kind.FEDERATION_STAFF)
    entry = team(open_competition, tree["g1"], street_clerk)
    assert entry.union == tree["g1"]
