"""The first rule of competitions, as the permissions say it and as the selectors query it: the two agree."""

import pytest
from django.utils import timezone

from campaigns import permissions, selectors
from campaigns.models import Competition, JudgeConflict
from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CompetitionFactory, EntryFactory, JudgeFactory

S = Competition.Status


def submitted(node, by, approver=Competition.Approver.PARENT):
    return CompetitionFactory(organiser=node, created_by=by, status=S.SUBMITTED, approver=approver)


@pytest.mark.django_db
def test_the_level_above_approves_and_the_query_finds_exactly_those(
    tree, organiser, city_staff, other_district_staff, district_leader
):
    # given: one submitted competition at each federation, half approved by their own leaders
    street_staff = staff(Role.Kind.FEDERATION_STAFF, tree["s1"], username="staff-s1")
    competitions = [
        submitted(tree["city"], city_staff),
        submitted(tree["d1"], organiser),
        submitted(tree["s1"], organiser),
        submitted(tree["d2"], other_district_staff),
        submitted(tree["d1"], organiser, Competition.Approver.OWN_LEADERS),
        submitted(tree["s1"], organiser, Competition.Approver.OWN_LEADERS),
    ]
    users = [organiser, city_staff, other_district_staff, district_leader, street_staff, UserFactory()]
    for user in users:
        # then: the one query and the rule agree for every user and competition
        listed = set(selectors.competitions_to_approve(user).values_list("pk", flat=True))
        allowed = {c.pk for c in competitions if permissions.can_approve(user, c)}
        assert listed == allowed, user.username
    # the city approves a district's, the district a street's; nobody approves their own level's but the root
    assert permissions.can_approve(city_staff, competitions[1])
    assert not permissions.can_approve(organiser, competitions[1])
    assert permissions.can_approve(organiser, competitions[2])
    assert permissions.can_approve(city_staff, competitions[0])
    assert not permissions.can_approve(other_district_staff, competitions[2])
    # own leaders: the district's leader, for the district's and the street's below it
    assert permissions.can_approve(district_leader, competitions[4])
    assert permissions.can_approve(district_leader, competitions[5])
    assert not permissions.can_approve(city_staff, competitions[4])


@pytest.mark.django_db
def test_clerks_see_competitions_organised_above_their_union_and_enter_only_there(
    tree, organiser, clerk1, clerk2, city_staff
):
    city = CompetitionFactory(organiser=tree["city"], created_by=city_staff)
    district1 = CompetitionFactory(organiser=tree["d1"], created_by=organiser)
    district2 = CompetitionFactory(organiser=tree["d2"], created_by=city_staff)
    draft = CompetitionFactory(organiser=tree["d1"], created_by=organiser, status=S.DRAFT)
    assert set(selectors.competitions_open_to(clerk1)) == {city, district1}
    assert set(selectors.competitions_open_to(clerk2)) == {city, district2}
    assert draft not in selectors.competitions_open_to(clerk1)
    assert permissions.can_enter_for(clerk1, district1, tree["g1"])
    assert not permissions.can_enter_for(clerk1, district2, tree["g1"])
    assert not permissions.can_enter_for(clerk2, district1, tree["g2"])
    # a federation's staff may enter a union below them, but a federation itself holds no members
    assert permissions.can_enter_for(organiser, district1, tree["g1"])
    assert not permissions.can_enter_for(organiser, district1, tree["s1"])
    assert list(selectors.unions_to_enter(clerk1, city)) == [tree["g1"]]


@pytest.mark.django_db
def test_a_judge_never_gets_an_entry_of_a_union_they_conflict_with(tree, organiser, city_staff, judge_user):
    competition = CompetitionFactory(organiser=tree["city"], created_by=city_staff, status=S.REVIEWING)
    own = EntryFactory(competition=competition, union=tree["g1"], entered_by=organiser, name="东城机械厂数控班")
    named = EntryFactory(competition=competition, union=tree["g2"], entered_by=organiser, name="西城食品包装班")
    free = EntryFactory(competition=competition, union=tree["g3"], entered_by=organiser, name="一中物理教研组")
    judge = JudgeFactory(competition=competition, user=judge_user, assigned_by=city_staff, own_union=tree["g1"])
    # a conflict named at the street federation covers every union below it
    JudgeConflict.objects.create(judge=judge, union=tree["s2"])
    assert list(selectors.judge_queue(judge)) == [free]
    for entry in (own, named):
        assert permissions.is_conflicted(judge, entry)
        assert not permissions.can_judge(judge_user, entry)
    assert permissions.can_judge(judge_user, free)
    # before declaring, nothing at all
    judge.conflicts_declared_at = None
    judge.save(update_fields=["conflicts_declared_at"])
    assert list(selectors.judge_queue(judge)) == []
    assert not permissions.can_judge(judge_user, free)


@pytest.mark.django_db
def test_an_organiser_who_is_a_conflicted_judge_is_not_shown_who_judged(tree, organiser, city_staff):
    competition = CompetitionFactory(organiser=tree["d1"], created_by=organiser, status=S.REVIEWING)
    entry = EntryFactory(competition=competition, union=tree["g1"], entered_by=organiser)
    assert permissions.can_see_judging(organiser, entry)
    JudgeFactory(
        competition=competition,
        user=organiser,
        assigned_by=city_staff,
        own_union=tree["g1"],
        conflicts_declared_at=timezone.now(),
    )
    assert not permissions.can_see_judging(organiser, entry)
    assert permissions.can_see_judging(city_staff, entry)


def test_the_level_follows_the_organiser():
    from unions.models import Union

    assert Competition.level_of(Union(kind=Union.Kind.CITY_FEDERATION)) == Competition.Level.CITY
    assert Competition.level_of(Union(kind=Union.Kind.INDUSTRY_UNION)) == Competition.Level.INDUSTRY
    assert Competition.level_of(Union(kind=Union.Kind.STREET_FEDERATION)) == Competition.Level.GRASSROOTS
