"""``seed_scale``: the city the benches measure, written with COPY, the same for the same seed."""

import datetime
import io
from statistics import median

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from members import id_number, pii
from members.cards import card_number
from members.management.commands._scale import CITY_NAME
from members.models import Application, Member, MemberCard, MemberEvent, Transfer
from members.services import card_issue
from reports.models import UnionTally
from unions.models import Role, Union

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
TODAY = datetime.date(2026, 11, 21)


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", members=3000, unions=60, today=TODAY, stdout=out, **options)
    return out.getvalue()


def digest(output: str) -> str:
    return next(line.split()[-1] for line in output.splitlines() if line.startswith("checksum"))


def test_the_city_has_the_planned_shape():
    seed()
    K = Union.Kind
    city = Union.objects.get(depth=1)
    assert city.name == CITY_NAME
    assert Union.objects.find_problems() == ([], [], [], [], [])
    kinds = dict(Union.objects.order_by().values_list("kind").annotate(n=Count("id")))
    assert kinds[K.DISTRICT_FEDERATION] == 12
    assert kinds[K.INDUSTRY_UNION] == 10
    assert kinds[K.GRASSROOTS_UNION] + kinds[K.JOINT_UNION] == 60
    assert kinds[K.JOINT_UNION] > 0
    # Members only in member-holding unions; union names distinct (the roster import finds unions by name).
    assert not Member.objects.exclude(union__kind__in=[K.GRASSROOTS_UNION, K.JOINT_UNION]).exists()
    assert Union.objects.values("name").distinct().count() == Union.objects.count()
    # The skew: the largest union is many times the median.
    sizes = list(Member.objects.values("union").annotate(n=Count("id")).values_list("n", flat=True))
    assert max(sizes) > 10 * median(sizes)


def test_members_are_real_looking_and_complete():
    seed()
    assert Member.objects.count() == 3000
    active = Member.objects.filter(status=Member.Status.ACTIVE)
    assert 0.9 * 3000 < active.count() < 3000
    # One current card per active member, a joined event per member.
    assert MemberCard.objects.filter(revoked_on__isnull=True).count() == active.count()
    assert MemberEvent.objects.filter(kind=MemberEvent.Kind.JOINED).count() == 3000
    # Numbered as the portal numbers cards, and the union's counter goes on from the last one.
    union = Union.objects.get(pk=MemberCard.objects.order_by("union_id").values_list("union_id", flat=True)[0])
    numbers = list(MemberCard.objects.filter(union=union).order_by("member_id").values_list("number", flat=True))
    assert numbers == [card_number(union.pk, n) for n in range(1, len(numbers) + 1)]
    next_card = card_issue(member=Member.objects.filter(union=union, status=Member.Status.ACTIVE).first(), by=None)
    assert next_card.number == card_number(union.pk, len(numbers) + 1)
    for member in Member.objects.order_by("?")[:40]:
        number = id_number.parse(member.reveal_id_number())
        assert pii.id_hash(number.value) == member.id_hash
        assert (number.sex, number.birth_date, number.masked) == (member.sex, member.birth_date, member.id_masked)
        assert "\u4e00" <= member.name[0] <= "\u9fff"
        assert member.joined_on >= datetime.date(number.birth_date.year + 18, 1, 1)
        assert member.joined_on <= TODAY
    # The dashboards' summary rows are counted from these members.
    assert UnionTally.objects.aggregate(n=Sum("members"))["n"] == active.count()


def test_applications_transfers_and_staff():
    seed()
    assert Application.objects.filter(status=Application.Status.SUBMITTED).count() == 90
    member_hashes = set(Member.objects.values_list("id_hash", flat=True))
    assert not member_hashes & set(Application.objects.values_list("id_hash", flat=True))
    transfers = Transfer.objects.filter(status__in=Transfer.OPEN_STATUSES)
    assert transfers.count() == 15
    assert all(t.from_union_id == t.member.union_id != t.to_union_id for t in transfers.select_related("member"))
    roles = Role.objects.filter(user__username__startswith="scale-")
    assert roles.count() == 200
    assert set(roles.values_list("kind", flat=True)) == set(Role.Kind.values)
    # The named accounts the benches sign in as: district 01 is the district with the most members.
    district = Role.objects.get(user__username="scale-district-01-staff").union
    totals = {d.pk: Member.objects.filter(union__path__startswith=d.path).count()
              for d in Union.objects.filter(kind=Union.Kind.DISTRICT_FEDERATION)}  # fmt: skip
    assert totals[district.pk] == max(totals.values())
    largest = Role.objects.get(user__username="scale-clerk-largest").union
    assert largest.members.count() == max(
        Member.objects.values("union").annotate(n=Count("id")).values_list("n", flat=True)
    )


def test_the_same_seed_writes_the_same_city_and_another_seed_another():
    first = digest(seed())
    assert digest(seed()) == first  # the second run empties the first city and writes it again
    assert Member.objects.count() == 3000
    assert digest(seed(seed=7)) != first


def test_refuses_a_database_that_holds_other_unions():
    Union.objects.add_root({"kind": Union.Kind.CITY_FEDERATION, "name": "示范市总工会"})
    with pytest.raises(CommandError, match="示范市总工会"):
        seed()
    assert Member.objects.count() == 0
