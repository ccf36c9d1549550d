"""The honours figures under the competitions panel: counted by hand on the small city, scoped like the
panel, revoked honours left out, one model worker counted once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Nomination
from reports import honours_dashboard
from unions.models import Role

from ..campaigns.honour_factories import HonourFactory, NominationFactory, RoundFactory, honour_kind, with_kinds
from ..factories import staff

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def honours(tree):
    worker = staff(Role.Kind.FEDERATION_STAFF, tree["city"], username="city-staff")
    round_ = with_kinds(RoundFactory(organiser=tree["city"], created_by=worker, year=YEAR))
    for status in (Nomination.Status.SUBMITTED, Nomination.Status.FORWARDED, Nomination.Status.AWARDED):
        NominationFactory(round=round_, union=tree["g1"], first_node=tree["d1"], created_by=worker, status=status)
    NominationFactory(
        round=round_, union=tree["g2"], first_node=tree["d2"], created_by=worker, status=Nomination.Status.NOTICE
    )
    # The same person twice (a model worker, then a craftsman): one model worker.
    HonourFactory(union=tree["g1"], created_by=worker, year=YEAR, person_key="p-li")
    HonourFactory(union=tree["g1"], created_by=worker, year=YEAR - 3, person_key="p-li", kind=honour_kind("工匠"))
    HonourFactory(union=tree["g2"], created_by=worker, year=YEAR, person_key="p-wang")
    HonourFactory(union=tree["g2"], created_by=worker, year=YEAR, person_key="p-zhao", revoked_at=timezone.now())
    HonourFactory(union=tree["g3"], created_by=worker, year=YEAR, person_key="p-sun", kind=honour_kind("五一劳动奖章"))
    return round_


def test_the_figures_count_by_hand(tree, honours):
    data = honours_dashboard.compute(tree["city"], year=YEAR)
    assert data["totals"]["honours"] == 3  # g1's model worker, g2's (the revoked one left out), g3's medal
    assert data["totals"]["under_review"] == 3  # submitted, forwarded, in notice
    assert data["totals"]["awarded"] == 1
    assert data["totals"]["model_workers"] == 2  # p-li once, p-wang; p-zhao revoked; a medal grants no care
    rows = {row["name"]: row for row in data["children"]}
    assert rows["东城区总工会"]["honours"] == 1 and rows["东城区总工会"]["under_review"] == 2
    assert rows["西城区总工会"]["honours"] == 1 and rows["市教育工会"]["honours"] == 1
    district = honours_dashboard.compute(tree["d1"], year=YEAR)
    assert district["totals"]["honours"] == 1 and district["totals"]["model_workers"] == 1


def test_the_panel_page_shows_them_to_a_leader_and_not_to_a_clerk(client, tree, honours):
    leader = staff(Role.Kind.LEADER, tree["d1"], username="leader-d1")
    client.force_login(leader)
    page = client.get(reverse("reports:campaigns_dashboard", args=[tree["d1"].pk]))
    assert page.status_code == 200
    assert "data-honours-dashboard" in page.content.decode()
    clerk = staff(Role.Kind.UNION_CLERK, tree["g1"], username="clerk-g1")
    assert honours_dashboard.panel_for(clerk, tree["g1"], year=YEAR) is None
    assert honours_dashboard.panel_for(leader, tree["d2"], year=YEAR) is None


def test_a_year_without_honours_says_so(client, tree, honours):
    leader = staff(Role.Kind.LEADER, tree["city"], username="leader-city")
    client.force_login(leader)
    page = client.get(reverse("reports:campaigns_dashboard", args=[tree["city"].pk]), {"year": YEAR - 1})
    assert "data-honours-empty" in page.content.decode()
