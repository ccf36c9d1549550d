"""The quota chain and the structural rules (campaigns.quotas, campaigns.structure), by hand-counted cases."""

from campaigns.models import Nomination
from campaigns.quotas import quota_problem
from campaigns.structure import ratio_failures, shares

from .honour_factories import NominationFactory, honour_kind, quota


def alive(round_, union, first_node, by, n, **flags):
    return [
        NominationFactory(
            round=round_, union=union, first_node=first_node, created_by=by, status=Nomination.Status.SUBMITTED, **flags
        )
        for _ in range(n)
    ]


def test_a_full_district_quota_refuses_the_next_nomination(honour_round, tree, city_staff, clerk1):
    model_worker = honour_kind()
    quota(honour_round, tree["d1"], model_worker, 2, city_staff)
    alive(honour_round, tree["g1"], tree["d1"], clerk1, 1)
    assert quota_problem(round=honour_round, union=tree["g1"], kind=model_worker) is None
    alive(honour_round, tree["g1"], tree["d1"], clerk1, 1)
    problem = quota_problem(round=honour_round, union=tree["g1"], kind=model_worker)
    assert problem is not None and "东城区总工会" in problem and "2" in problem


def test_a_street_split_is_checked_as_well_as_the_district(honour_round, tree, city_staff, organiser, clerk1):
    model_worker = honour_kind()
    quota(honour_round, tree["d1"], model_worker, 5, city_staff)
    quota(honour_round, tree["s1"], model_worker, 1, organiser)
    alive(honour_round, tree["g1"], tree["d1"], clerk1, 1)
    problem = quota_problem(round=honour_round, union=tree["g1"], kind=model_worker)
    assert problem is not None and "东华门街道总工会" in problem


def test_a_branch_without_places_cannot_nominate_when_the_kind_has_quotas(honour_round, tree, city_staff):
    model_worker = honour_kind()
    quota(honour_round, tree["d1"], model_worker, 5, city_staff)
    problem = quota_problem(round=honour_round, union=tree["g2"], kind=model_worker)
    assert problem is not None and "西城区总工会" in problem
    # A kind the round gives no quotas for is not limited; the organiser's own level uses none.
    assert quota_problem(round=honour_round, union=tree["g2"], kind=honour_kind("五一劳动奖章")) is None
    assert quota_problem(round=honour_round, union=tree["city"], kind=model_worker) is None


def test_withdrawn_and_rejected_nominations_free_their_places(honour_round, tree, city_staff, clerk1):
    model_worker = honour_kind()
    quota(honour_round, tree["d1"], model_worker, 1, city_staff)
    (first,) = alive(honour_round, tree["g1"], tree["d1"], clerk1, 1)
    assert quota_problem(round=honour_round, union=tree["g1"], kind=model_worker) is not None
    first.status = Nomination.Status.WITHDRAWN
    first.save(update_fields=["status"])
    assert quota_problem(round=honour_round, union=tree["g1"], kind=model_worker) is None


def test_ratios_round_a_minimum_up_and_a_maximum_down(honour_round, tree, clerk1):
    # given 8 persons: 1 woman, 1 enterprise head; the round asks women >= 20 %, heads <= 10 %
    nominations = alive(honour_round, tree["g1"], tree["d1"], clerk1, 1, woman=True, enterprise_head=True)
    nominations += alive(honour_round, tree["g1"], tree["d1"], clerk1, 7, woman=False, sex="M")
    queryset = Nomination.objects.filter(round=honour_round)
    assert shares(queryset)["woman"] == (1, 8)
    assert shares(nominations)["woman"] == (1, 8)
    failures = ratio_failures(honour_round, queryset)
    assert len(failures) == 2
    assert any("1 of 8" in f and "2" in f for f in failures)  # women: at least ceil(1.6) = 2
    assert any("1 of 8" in f and "0" in f for f in failures)  # heads: at most floor(0.8) = 0


def test_ratios_count_persons_only_and_hold_when_met(honour_round, tree, clerk1):
    alive(honour_round, tree["g1"], tree["d1"], clerk1, 2, woman=True)
    alive(honour_round, tree["g1"], tree["d1"], clerk1, 3, woman=False, sex="M")
    # A team nomination carries no person's categories and is not counted.
    alive(honour_round, tree["g1"], tree["d1"], clerk1, 4, woman=False, kind=honour_kind("工人先锋号"))
    queryset = Nomination.objects.filter(round=honour_round)
    assert shares(queryset)["woman"] == (2, 5)
    assert ratio_failures(honour_round, queryset) == []
