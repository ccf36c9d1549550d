"""Awarding the prizes from the frozen ranking (campaigns.services.awards), the award page and the
honour candidates."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Notification
from campaigns import kinds
from campaigns.candidates import honour_candidates
from campaigns.models import Award, Competition, Entry, Prize
from campaigns.services.awards import award_plan, prizes_award

from .factories import CompetitionFactory, EntryFactory, scheme

pytestmark = pytest.mark.django_db


def ranked(competition, union, clerk, places, **extra):
    """Accepted entries with the frozen places given (and scores falling with them); the competition closed."""
    entries = []
    for place in places:
        entries.append(
            EntryFactory(
                competition=competition,
                union=union,
                entered_by=clerk,
                rank=place,
                final_score=Decimal(95) - place,
                **extra,
            )
        )
    competition.status = Competition.Status.CLOSED
    competition.save(update_fields=["status"])
    return entries


def test_prizes_follow_the_ranking_and_commend_the_competition(competition, tree, clerk1, organiser):
    entries = ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6, 7])
    awards = prizes_award(competition=competition, by=organiser)
    grades = {a.entry_id: a.prize.grade for a in awards}
    assert [grades.get(e.pk) for e in entries] == ["first", "second", "second", "third", "third", "third", None]
    numbers = [a.number for a in sorted(awards, key=lambda a: a.entry.rank)]
    assert numbers == [f"JS{competition.pk:06d}-{n:03d}" for n in range(1, 7)]
    competition.refresh_from_db()
    assert competition.status == Competition.Status.COMMENDED
    assert competition.commended_at is not None
    event = AuditEvent.objects.get(action=kinds.PRIZES_AWARDED)
    assert event.actor == organiser and event.detail["awards"] == 6
    assert AuditEvent.objects.filter(action=kinds.COMPETITION_COMMENDED).count() == 1


def test_the_clerks_are_told_once_per_award(competition, tree, clerk1, organiser):
    ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6])
    prizes_award(competition=competition, by=organiser)
    notes = Notification.objects.filter(recipient=clerk1, kind=kinds.PRIZES_AWARDED)
    assert notes.count() == 6
    assert all(competition.title in n.title for n in notes)


def test_shared_places_share_the_prize_and_keep_numbers_unique(tree, organiser, clerk1):
    competition = scheme(
        CompetitionFactory(organiser=tree["d1"], created_by=organiser, tie_rule=Competition.TieRule.SHARED),
        prizes=(("first", 1), ("second", 1)),
    )
    entries = ranked(competition, tree["g1"], clerk1, [1, 1, 3, 4])
    awards = prizes_award(competition=competition, by=organiser)
    grades = {a.entry_id: a.prize.grade for a in awards}
    # Two share the first place: both take first prize; the second prize goes to place 2, which nobody
    # holds, so the third place does not get it (the boundary is places, not entries).
    assert grades == {entries[0].pk: "first", entries[1].pk: "first"}
    assert len({a.number for a in awards}) == 2


def test_a_shared_place_inside_a_grade_widens_it(tree, organiser, clerk1):
    competition = scheme(
        CompetitionFactory(organiser=tree["d1"], created_by=organiser, tie_rule=Competition.TieRule.SHARED),
        prizes=(("first", 1), ("second", 2)),
    )
    entries = ranked(competition, tree["g1"], clerk1, [1, 2, 3, 3, 5])
    awards = prizes_award(competition=competition, by=organiser)
    grades = {a.entry_id: a.prize.grade for a in awards}
    assert [grades.get(e.pk) for e in entries] == ["first", "second", "second", "second", None]


def test_refused_while_not_closed(competition, tree, clerk1, organiser):
    EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1)
    competition.status = Competition.Status.REVIEWING
    competition.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        prizes_award(competition=competition, by=organiser)
    assert not Award.objects.exists()


def test_refused_when_prizes_outnumber_the_entries(competition, tree, clerk1, organiser):
    ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5])
    with pytest.raises(ValidationError) as caught:
        prizes_award(competition=competition, by=organiser)
    assert "6" in caught.value.messages[0] and "5" in caught.value.messages[0]
    assert not Award.objects.exists()
    competition.refresh_from_db()
    assert competition.status == Competition.Status.CLOSED


def test_refused_twice_and_for_staff_of_another_district(competition, tree, clerk1, organiser, other_district_staff):
    ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6])
    with pytest.raises(PermissionDenied):
        prizes_award(competition=competition, by=other_district_staff)
    prizes_award(competition=competition, by=organiser)
    with pytest.raises(ValidationError) as caught:
        prizes_award(competition=competition, by=organiser)
    assert caught.value.code == "awarded"
    assert Award.objects.count() == 6


def test_refused_and_withdrawn_entries_take_no_prize(competition, tree, clerk1, organiser):
    ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6])
    EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1, status=Entry.Status.REFUSED)
    plan = award_plan(competition)
    assert all(item.entry.status == Entry.Status.ACCEPTED for item in plan)


# --- the award page ------------------------------------------------------------------------------------
def test_award_page_previews_then_awards(client, competition, tree, clerk1, organiser, django_assert_max_num_queries):
    entries = ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6, 7])
    client.force_login(organiser)
    url = reverse("campaigns:competition_award", args=[competition.pk])
    with django_assert_max_num_queries(15):
        page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert entries[0].name in body and f"JS{competition.pk:06d}-001" in body
    assert entries[6].name not in body
    assert not Award.objects.exists()
    answer = client.post(url)
    assert answer.status_code == 302
    assert Award.objects.count() == 6


def test_award_page_shows_why_not(client, competition, tree, clerk1, organiser):
    ranked(competition, tree["g1"], clerk1, [1, 2])
    client.force_login(organiser)
    url = reverse("campaigns:competition_award", args=[competition.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'id="award-error"' in page.content.decode()
    answer = client.post(url)
    assert answer.status_code == 400
    assert not Award.objects.exists()


def test_award_page_is_404_outside_the_organisers_scope(client, competition, tree, clerk1, other_district_staff):
    ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6])
    client.force_login(other_district_staff)
    url = reverse("campaigns:competition_award", args=[competition.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(clerk1)
    assert client.post(url).status_code == 403
    assert not Award.objects.exists()


def test_awards_panel_lists_certificates(client, competition, tree, clerk1, organiser, django_assert_max_num_queries):
    from django.template.loader import render_to_string

    ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6])
    closed = render_to_string(
        "campaigns/competitions/_panel_awards.html", {"competition": competition, "user": organiser}
    )
    assert reverse("campaigns:competition_award", args=[competition.pk]) in closed
    awards = prizes_award(competition=competition, by=organiser)
    competition.refresh_from_db()
    with django_assert_max_num_queries(2):
        html = render_to_string(
            "campaigns/competitions/_panel_awards.html", {"competition": competition, "user": organiser}
        )
    for award in awards:
        assert reverse("campaigns:certificate_pdf", args=[award.pk]) in html
    assert reverse("campaigns:results", args=[competition.public_token]) in html


# --- honour candidates ----------------------------------------------------------------------------------
def test_honour_candidates_are_first_prizes_of_teams_and_individuals(tree, organiser, city_staff, clerk1):
    teams = scheme(CompetitionFactory(organiser=tree["d1"], created_by=organiser), prizes=(("first", 2),))
    team_entries = ranked(teams, tree["g1"], clerk1, [1, 2, 3])
    team_entries[1].kind = Entry.Kind.UNIT
    team_entries[1].save(update_fields=["kind"])
    prizes_award(competition=teams, by=organiser)
    city = scheme(CompetitionFactory(organiser=tree["city"], created_by=city_staff), prizes=(("first", 1),))
    city.ends_on = city.ends_on.replace(year=2025)
    city.starts_on = city.starts_on.replace(year=2025)
    city.save(update_fields=["ends_on", "starts_on"])
    city_entries = ranked(city, tree["g1"], clerk1, [1, 2], kind=Entry.Kind.INDIVIDUAL)
    prizes_award(competition=city, by=city_staff)
    unawarded = scheme(CompetitionFactory(organiser=tree["d1"], created_by=organiser), prizes=(("first", 1),))
    ranked(unawarded, tree["g1"], clerk1, [1])  # closed, not commended

    everyone = {a.entry_id for a in honour_candidates()}
    assert everyone == {team_entries[0].pk, city_entries[0].pk}  # the unit's first prize is not a candidate
    assert {a.entry_id for a in honour_candidates(year=2026)} == {team_entries[0].pk}
    assert {a.entry_id for a in honour_candidates(node=tree["d1"])} == {team_entries[0].pk}
    assert {a.entry_id for a in honour_candidates(node=tree["d2"])} == set()
    assert {a.entry_id for a in honour_candidates(year=2025, node=tree["city"])} == {city_entries[0].pk}
    assert all(a.prize.grade == Prize.Grade.FIRST for a in honour_candidates())
