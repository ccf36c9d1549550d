"""``seed_demo_honours`` (run by ``seed_demo`` after the competitions): the city's round in progress with a
nomination in every state, as the services would have left each one, the notice running today with an
objection, last year's honours in the register with care and studios; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.workdays import notice_period
from campaigns import honour_permissions, honour_selectors
from campaigns.management.commands.seed_demo_honours import person_key_for
from campaigns.models import (
    CareRecord,
    EvidenceItem,
    Forwarding,
    Honour,
    InnovationStudio,
    Nomination,
    NominationFile,
    NominationReview,
    Objection,
    PublicNotice,
    Quota,
    Round,
    StudioTarget,
    VettingOpinion,
)
from campaigns.structure import ratio_failures
from integrity.models import OpinionLetter
from unions.models import Role, Union

pytestmark = pytest.mark.django_db
MODELS = [Round, Quota, Nomination, NominationFile, NominationReview, Forwarding, VettingOpinion, PublicNotice,
          Objection, Honour, CareRecord, InnovationStudio, StudioTarget]  # fmt: skip
S = Nomination.Status
R = NominationReview


@pytest.fixture
def seed(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path / "media")

    def _seed() -> str:
        out = io.StringIO()
        call_command("seed_demo", "--member-cap", "2", stdout=out)  # which runs seed_demo_honours
        return out.getvalue()

    return _seed


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def current_round() -> Round:
    return Round.objects.get(year=timezone.localdate().year, organiser__depth=1)


def test_seeding_twice_adds_nothing_and_every_state_is_there(seed):
    first_output = seed()
    first = counts()
    assert all(first.values()), first
    second_output = seed()
    assert counts() == first
    assert "评选表彰 Honours: rounds 3" in first_output
    assert "runs its honours rounds already; nothing added." in second_output
    assert User.objects.filter(username="demo-city-staff").count() == 1
    statuses = set(current_round().nominations.values_list("status", flat=True))
    assert statuses == set(S.values) - {S.AWARDED, S.WITHDRAWN}
    district_round = Round.objects.get(organiser__depth=2)
    assert district_round.status == Round.Status.NOMINATING
    assert sorted(district_round.nominations.values_list("status", "created_by__username")) == [
        (S.DRAFT, "demo-clerk"),
        (S.RETURNED, "demo-clerk"),
    ]
    returned = district_round.nominations.get(status=S.RETURNED).reviews.get()
    assert returned.by.username == "demo-street-staff" and returned.at <= timezone.now()
    last_year = Round.objects.get(year=timezone.localdate().year - 1)
    assert last_year.status == Round.Status.DECIDED
    assert set(last_year.nominations.values_list("status", flat=True)) == {S.AWARDED, S.REJECTED}


def test_refused_with_debug_off_and_without_the_demo_city(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_honours", stdout=io.StringIO())
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_honours", stdout=io.StringIO())


def test_each_demo_account_finds_its_part(seed):
    seed()
    city_staff, district_staff = (
        User.objects.get(username="demo-city-staff"),
        User.objects.get(username="demo-district-staff"),
    )
    clerk = User.objects.get(username="demo-clerk")
    city = Union.objects.get(depth=1)
    assert Role.objects.filter(user=city_staff, union=city, kind=Role.Kind.FEDERATION_STAFF).exists()
    assert city_staff.check_password("Union-Demo-2026")
    r = current_round()
    assert honour_permissions.can_manage_round(city_staff, r) and not honour_permissions.can_manage_round(
        district_staff, r
    )
    # The clerk: a complete draft, one returned with its reason, one at the first review.
    mine = Nomination.objects.filter(round=r, created_by=clerk)
    assert {n.status for n in mine} == {S.DRAFT, S.RETURNED, S.SUBMITTED}
    draft = mine.get(status=S.DRAFT)
    assert honour_permissions.can_edit_nomination(clerk, draft)
    assert mine.get(status=S.RETURNED).return_reason
    # The district's staff: the submitted ones of their district to review, a list to forward.
    queue = list(honour_selectors.first_review_queue(district_staff))
    assert queue and all(honour_permissions.can_first_review(district_staff, n) for n in queue)
    assert all(n.first_node == Role.objects.get(user=district_staff).union for n in queue)
    passed = Nomination.objects.filter(round=r, status=S.FIRST_PASSED)
    assert passed and all(honour_permissions.can_forward_for(district_staff, r, n.first_node) for n in passed)
    # The city's staff: second review, vetting (a cadre's opinion letter waiting), the notice to decide on.
    assert honour_selectors.organiser_queue(city_staff, S.FORWARDED).exists()
    cadre = Nomination.objects.get(round=r, status=S.VETTING, cadre_record__isnull=False)
    discipline = cadre.vetting_opinions.get(department=VettingOpinion.Department.DISCIPLINE)
    assert discipline.conclusion == VettingOpinion.Conclusion.WAITING
    letter = discipline.opinion_letter
    assert letter.status == OpinionLetter.Status.REQUESTED and letter.purpose == OpinionLetter.Purpose.COMMENDATION
    assert letter.cadre == cadre.cadre_record
    assert set(cadre.vetting_opinions.values_list("conclusion", flat=True)) == {"waiting", "clear"}
    objection = Objection.objects.get(notice__round=r)
    assert objection.is_open and honour_permissions.can_handle_objection(city_staff, objection)
    assert not honour_permissions.can_handle_objection(district_staff, objection)
    # The register, care and studios.
    assert honour_selectors.care_list_for(clerk).exists()
    assert honour_selectors.studios_visible_to(city_staff).count() == 2


def test_the_notice_runs_today_with_dates_from_the_working_day_calendar(seed):
    seed()
    today = timezone.localdate()
    r = current_round()
    notice = PublicNotice.objects.get(round=r)
    assert (notice.first_day, notice.last_day) == notice_period(notice.published_on, 5)
    assert notice.is_running(today) and notice.working_days == r.notice_days == 5
    assert r.status == Round.Status.NOTICE and r.notice_planned == notice.published_on
    in_notice = Nomination.objects.filter(round=r, status=S.NOTICE)
    assert in_notice.count() == 5 and all(n.notice_id == notice.pk for n in in_notice)
    assert not Nomination.objects.filter(round=r, notice=notice).exclude(status=S.NOTICE).exists()
    objection = Objection.objects.get(notice=notice)
    assert objection.nomination.notice_id == notice.pk and not objection.late
    assert notice.first_day <= timezone.localtime(objection.received_at).date() <= today
    assert objection.objector_mobile != "13912345678"  # stored encrypted


def test_records_keep_the_services_rules(seed):
    seed()
    now = timezone.now()
    for r in Round.objects.all():
        assert r.nominations_close <= r.first_review_due <= r.second_review_due <= r.vetting_due <= r.notice_planned
        for n in r.nominations.select_related("union", "first_node", "kind"):
            stages = list(n.reviews.values_list("stage", "outcome"))
            # first_node: the organiser's child on the way to the union.
            assert n.first_node.depth == r.organiser.depth + 1 and n.union.path.startswith(n.first_node.path)
            assert (n.submitted_at is None) == (n.status == S.DRAFT)
            assert n.created_at <= now and all(at <= now for at in n.reviews.values_list("at", flat=True))
            assert n.review_attendance >= n.votes_for + n.votes_against + n.votes_abstaining
            # Complete: a file for each required line of the checklist, the minutes and the unit's notice.
            required = set(EvidenceItem.objects.filter(kind=n.kind, required=True).values_list("pk", flat=True))
            assert set(n.files.filter(purpose="evidence").values_list("item_id", flat=True)) == required
            assert {"minutes", "unit_notice"} <= set(n.files.values_list("purpose", flat=True))
            if n.status in (S.DRAFT, S.SUBMITTED):
                assert stages == []
            if n.status == S.RETURNED:
                assert stages == [(R.Stage.FIRST, R.Outcome.RETURNED)] and n.return_reason
            if n.status in (S.FIRST_PASSED, S.FORWARDED):
                assert stages == [(R.Stage.FIRST, R.Outcome.PASSED)]
            if n.status in (S.VETTING, S.VETTED, S.NOTICE, S.AWARDED):
                assert stages[:2] == [(R.Stage.FIRST, R.Outcome.PASSED), (R.Stage.SECOND, R.Outcome.PASSED)]
                assert n.vetting_opinions.count() == len(VettingOpinion.Department.values)
            if n.status in (S.VETTED, S.NOTICE):
                assert stages[2:] == [(R.Stage.VETTING, R.Outcome.PASSED)]
                assert not n.vetting_opinions.exclude(conclusion="clear").exists()
            if n.status == S.AWARDED:
                assert stages[2:] == [(R.Stage.VETTING, R.Outcome.PASSED), (R.Stage.DECISION, R.Outcome.PASSED)]
                assert n.honour.round == r
            if n.status == S.REJECTED:
                assert stages[-1][1] == R.Outcome.REJECTED
        # Quotas: alive nominations within every quota on the way up; a split never above the parent's.
        for quota in Quota.objects.filter(round=r).select_related("node"):
            alive = r.nominations.filter(
                kind=quota.kind, status__in=Nomination.ALIVE, union__path__startswith=quota.node.path
            ).count()
            assert alive <= quota.count, quota
            if quota.node.depth > r.organiser.depth + 1:
                parent = Quota.objects.get(round=r, kind=quota.kind, node__path=quota.node.path[: -Union.steplen])
                below = Quota.objects.filter(
                    round=r, kind=quota.kind, node__path__startswith=parent.node.path, node__depth=quota.node.depth
                )
                assert sum(q.count for q in below) <= parent.count
        # Each level's forwarded list holds the round's structural rules; what it forwarded is counted.
        for forwarding in Forwarding.objects.filter(round=r):
            went_up = Q(reviews__stage=R.Stage.SECOND) | Q(status=S.FORWARDED)
            ids = set(r.nominations.filter(went_up, first_node=forwarding.node).values_list("pk", flat=True))
            assert forwarding.count == len(ids)
            assert ratio_failures(r, Nomination.objects.filter(pk__in=ids)) == []
        # The passed list still to forward holds them too, with what went before.
        for node_id in r.nominations.filter(status=S.FIRST_PASSED).values_list("first_node", flat=True).distinct():
            listed = r.nominations.filter(first_node_id=node_id).exclude(status__in=(S.DRAFT, S.SUBMITTED, S.RETURNED))
            assert ratio_failures(r, listed.exclude(status=S.REJECTED)) == []


def test_the_register_numbers_keys_care_and_studios(seed):
    seed()
    year = timezone.localdate().year - 1
    honours = list(Honour.objects.order_by("number"))
    assert [h.number for h in honours] == [f"RY{year}-{n:05d}" for n in range(1, len(honours) + 1)]
    for h in honours:
        nomination = h.nomination
        assert nomination.status == S.AWARDED and h.union == nomination.union and h.year == year
        assert h.person_key == person_key_for(h.member, h.holder_name, h.birth_date)
        assert h.person_key == (f"m{h.member_id}" if h.member_id else h.person_key) and len(h.person_key) > 1
        assert h.document_number and h.conferring_body and h.decided_on > nomination.notice.last_day
    try:
        from campaigns.services.register import person_key_for as service_key
    except ImportError:  # the register's services not there yet
        service_key = None
    if service_key is not None:
        for h in honours:
            assert h.person_key == service_key(member=h.member, name=h.holder_name, birth_date=h.birth_date)
    # Care: the clerk's union's model worker had this year's health check; the rest of the year is due.
    clerk_union = Role.objects.get(user__username="demo-clerk").union
    worker = Honour.objects.get(union=clerk_union, kind__grants_care=True)
    this_year = CareRecord.objects.filter(honour=worker, year=timezone.localdate().year)
    assert list(this_year.values_list("care", flat=True)) == ["health_check"]
    assert worker.kind.entitlements.count() > 1
    for record in CareRecord.objects.select_related("honour__kind"):
        assert record.honour.kind.grants_care and record.delivered_on <= timezone.localdate()
        assert record.care in set(record.honour.kind.entitlements.values_list("care", flat=True))
    assert Honour.objects.filter(in_hardship=True, kind__grants_care=True).exists()
    # Studios: led by model workers in the register, against this year's city target.
    for studio in InnovationStudio.objects.select_related("leader__kind"):
        assert studio.leader.kind.grants_care and studio.host_union == studio.leader.union
    target = StudioTarget.objects.get()
    assert target.year == timezone.localdate().year and target.count == 20


def test_files_are_real_pdfs(seed):
    seed()
    f = NominationFile.objects.first()
    with f.file.open("rb") as stream:
        data = stream.read()
    assert data.startswith(b"%PDF-") and len(data) == f.size and f.original_name.endswith(".pdf")


def test_the_services_take_the_demo_round_further(seed):
    """The seeded records are what the services accept: the clerk submits the draft and the mended one,
    the district passes and forwards its list, the city's staff pass the forwarded one and handle the
    objection; the decision waits for the notice to end."""
    from django.core.exceptions import ValidationError

    from campaigns.services.decisions import nomination_decide
    from campaigns.services.nominations import nomination_submit, submit_problems
    from campaigns.services.objections import objection_answer, objection_assign, objection_close
    from campaigns.services.reviews import list_forward, nomination_review

    seed()
    r = current_round()
    clerk, district_staff, city_staff = (
        User.objects.get(username=name) for name in ("demo-clerk", "demo-district-staff", "demo-city-staff")
    )
    district = Role.objects.get(user=district_staff).union
    # The city's round is in its notice: its draft and returned nomination stay as they are; the district
    # round's go to the street's first review, which passes them.
    with pytest.raises(ValidationError, match="closed"):
        nomination_submit(nomination=Nomination.objects.get(round=r, status=S.DRAFT), by=clerk)
    with pytest.raises(ValidationError):
        nomination_submit(nomination=Nomination.objects.get(round=r, status=S.RETURNED), by=clerk)
    district_round = Round.objects.get(organiser__depth=2)
    street_staff = User.objects.get(username="demo-street-staff")
    for n in district_round.nominations.all():
        assert submit_problems(n) == [], n
        assert nomination_submit(nomination=n, by=clerk).status == S.SUBMITTED
        nomination_review(nomination=n, outcome="passed", comment="", by=street_staff)
    assert set(district_round.nominations.values_list("status", flat=True)) == {S.FIRST_PASSED}
    waiting = Nomination.objects.filter(round=r, first_node=district, status=S.FIRST_PASSED).count()
    assert list_forward(round=r, node=district, by=district_staff).count == waiting
    submitted = Nomination.objects.filter(round=r, first_node=district, status=S.SUBMITTED).first()
    nomination_review(nomination=submitted, outcome="passed", comment="", by=district_staff)
    assert Nomination.objects.get(pk=submitted.pk).status == S.FIRST_PASSED
    forwarded = Nomination.objects.filter(round=r, status=S.FORWARDED).exclude(first_node=district).first()
    nomination_review(nomination=forwarded, outcome="passed", comment="", by=city_staff)
    assert Nomination.objects.get(pk=forwarded.pk).status in (S.VETTING, S.VETTED)
    objection = Objection.objects.get(notice__round=r)
    objection_assign(objection=objection, to=city_staff, by=city_staff)
    objection_answer(objection=objection, finding="经调查，该技术改造项目由候选人主持完成。", by=city_staff)
    assert objection_close(objection=objection, upheld=False, by=city_staff).status == Objection.Status.DISMISSED
    in_notice = Nomination.objects.filter(round=r, status=S.NOTICE).first()
    with pytest.raises(ValidationError):  # the notice is still running
        nomination_decide(
            nomination=in_notice, confer=True, document_number="示工发〔2026〕18号", conferring_body="示范市总工会",
            decided_on=timezone.localdate(), comment="", by=city_staff,
        )  # fmt: skip
