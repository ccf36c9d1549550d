"""The first rule of the integrity app (issue 15 "Who may see what"), tried on random trees and roles: 0 leaks.

Hypothesis builds a tree (as the scope property test does) and puts random roles of every kind at
random nodes, discipline officers more often; a superuser with no role is always among the users. At
every node serves a cadre with one record of each kind: a talk still a draft, a filed talk with a
correction and a rectification item with evidence, a four-forms entry, a warning education session, a
responsibility letter, an opinion letter asked for and one issued, each with its own bracketed content
strings. A talk's recorder is a user of the plan holding a discipline officer's role (at the cadre's
node, elsewhere, or below), an opinion letter's requester one holding a cadre officer's role.

The oracle is the generated structure, walked in Python (``Plan.reaches``), not the paths and selectors
under test:

* a record is shown to discipline officers at its node or above (a draft talk: to nobody but its
  recorder; a talk and its rectification items: to its recorder too); an opinion letter's requester
  sees its conclusion and validity on the requester's pages, never the officer's remarks;
* the selectors (``integrity.selectors.*_visible_to``) give exactly those records;
* every integrity URL that names a record (found in the resolver, GET and POST), for every user: a
  record the user may not see answers 404 like a made-up id, shows none of its strings and a POST
  changes nothing; a record they may see is not hidden (its read pages);
* no answer of any integrity page, with or without an argument, shows a content string of a record the
  user may not see; a user without a discipline officer's role (a city admin, a leader, a cadre officer,
  the security auditor, the superuser) gets 404 on every integrity page but the requester's pages.

Runtime: 7 examples, 74 s on this machine at load 2 (5 examples: 46 s at load 1, 119 s at load 9).
"""

import datetime
import itertools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from cadres.models import Cadre
from integrity import selectors
from integrity.models import (
    EducationAttendance,
    EducationSession,
    FourFormsEntry,
    LetterBatch,
    OpinionLetter,
    Rectification,
    ResponsibilityLetter,
    Talk,
    TalkCorrection,
)
from unions.models import Role, Union

from ..factories import UserFactory
from ..unions.test_scope_property import (
    MAX_NODES,
    NOT_AN_OBJECT,
    OBJECT_OF_ROUTE,
    Plan,
    _routes,
    _takes_post,
    build_tree,
)

K = Union.Kind
R = Role.Kind
DISCIPLINE = frozenset({R.DISCIPLINE_OFFICER})
CADRE_STAFF = frozenset({R.CADRE_OFFICER})
# A record kind that no route names: what a record's name may show to whom, checked on every page.
NAME_ONLY = "cadre_name"
# Every kind, discipline officers and city admins more often: the ones the first rule is about.
ROLE_KINDS = [R.DISCIPLINE_OFFICER, R.DISCIPLINE_OFFICER, R.CITY_ADMIN, *sorted(R.values)]
MAX_USERS = 4
MISSING = 999_999_999

# --- which record an integrity route names -----------------------------------------------------

# What an integrity route's argument names: the scope property test's list, which holds every route.
INTEGRITY_OBJECT_OF_ROUTE = {key: kind for key, kind in OBJECT_OF_ROUTE.items() if key[0].startswith("integrity/")}
INTEGRITY_NOT_AN_OBJECT = {start: why for start, why in NOT_AN_OBJECT.items() if start.startswith("integrity/")}
# Pages that are not a discipline officer's: who else may open them is the page's own business
# (a cadre officer asks for an opinion letter; anyone reads the conclusions they asked for).
REQUESTER_PAGES = frozenset({"integrity:opinion_request", "integrity:opinion_requested_list"})


@dataclass(frozen=True)
class IntegrityUrl:
    name: str
    route: str
    argument: str | None
    kind: str | None
    takes_post: bool

    @property
    def reads(self) -> bool:
        """A record's own page (``.../<int:pk>/``): what may see it must open."""
        return self.argument is not None and self.route.endswith(f"<int:{self.argument}>/")


def discover_integrity() -> tuple[list[IntegrityUrl], list[str]]:
    found, unknown = [], []
    for route, name, pattern in _routes(get_resolver().url_patterns):
        if not route.startswith("integrity/"):
            continue
        assert isinstance(pattern, URLPattern)
        arguments = list(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else []
        if route.startswith(tuple(INTEGRITY_NOT_AN_OBJECT)):
            continue
        if not arguments:
            found.append(IntegrityUrl(name, route, None, None, _takes_post(pattern)))
            continue
        if len(arguments) != 1:
            unknown.append(f"{route} ({name}): more than one argument")
            continue
        (argument,) = arguments
        starts = [key for key in INTEGRITY_OBJECT_OF_ROUTE if key[1] == argument and route.startswith(key[0])]
        if not starts:
            unknown.append(f"{route} ({name}): argument {argument!r}")
            continue
        kind = INTEGRITY_OBJECT_OF_ROUTE[max(starts, key=lambda key: len(key[0]))]
        found.append(IntegrityUrl(name, route, argument, kind, _takes_post(pattern)))
    return found, unknown


INTEGRITY_URLS, UNKNOWN_INTEGRITY_ROUTES = discover_integrity()
OBJECT_URLS = [url for url in INTEGRITY_URLS if url.kind]
PLAIN_URLS = [url for url in INTEGRITY_URLS if not url.kind]


def test_every_integrity_url_that_names_a_record_is_under_test():
    assert UNKNOWN_INTEGRITY_ROUTES == [], "say which record these arguments name, or why they name none"


# --- the records, with the oracle --------------------------------------------------------------


@dataclass
class Record:
    kind: str
    pk: int
    label: str  # what its own pages show of it: an answer to anyone who may not see it must not
    secrets: tuple[str, ...]  # its confidential content: no page shows it to anyone who may not see it
    visible_to: Callable[[int], bool] = field(repr=False)
    node: int = -1  # where its cadre serves (its node)


def holding(plan: Plan, candidate: int, kind: str) -> int | None:
    """The candidate user if they hold a role of this kind somewhere, else None (an account outside the
    plan): only discipline officers record talks, only cadre officers ask for letters from the portal."""
    return candidate if any(k == kind for _, k in plan.roles[candidate]) else None


def integrity_records(plan: Plan, node: int, union: Union, cadre: Cadre, users: list, worker, number: int) -> list:
    """One record of each kind for the cadre serving at ``node``, and who may see each (by user index)."""
    recorder = holding(plan, (node + plan.seed) % len(users), R.DISCIPLINE_OFFICER)
    requester = holding(plan, (node + plan.seed + 1) % len(users), R.CADRE_OFFICER)
    recorder_user = users[recorder] if recorder is not None else worker
    requester_user = users[requester] if requester is not None else worker
    tag = f"{number:03d}"
    today = timezone.localdate()

    def officer(u: int) -> bool:
        return plan.reaches(u, node, DISCIPLINE)

    def records_it(u: int) -> bool:
        return u == recorder

    def talk(status: str, word: str) -> Talk:
        return Talk.objects.create(
            cadre=cadre,
            kind=Talk.Kind.REMINDER,
            talker_name="张书记",
            recorder=recorder_user,
            held_on=datetime.date(2026, 3, 10),
            place="党组会议室",
            reason=f"〔{word}事由{tag}〕",
            content=f"〔{word}内容{tag}〕",
            statement=f"〔{word}表态{tag}〕",
            opinion=f"〔{word}意见{tag}〕",
            supervision_form="talk_reminder",
            status=status,
            filed_at=None if status == Talk.Status.DRAFT else timezone.now(),
        )

    records = []
    draft = talk(Talk.Status.DRAFT, "草稿")
    records.append(
        Record(
            "talk", draft.pk, draft.content, (draft.reason, draft.content, draft.statement, draft.opinion), records_it
        )
    )
    filed = talk(Talk.Status.RECTIFYING, "谈话")
    correction = TalkCorrection.objects.create(talk=filed, text=f"〔更正{tag}〕", by=recorder_user)
    talk_secrets = (filed.reason, filed.content, filed.statement, filed.opinion, correction.text)
    records.append(Record("talk", filed.pk, filed.content, talk_secrets, lambda u: officer(u) or records_it(u)))
    item = Rectification.objects.create(
        talk=filed,
        cadre=cadre,
        text=f"〔整改事项{tag}〕",
        deadline=datetime.date(2026, 4, 30),
        evidence=f"〔整改证据{tag}〕",
        evidence_at=timezone.now(),
        status=Rectification.Status.EVIDENCE_GIVEN,
    )
    records.append(
        Record("rectification", item.pk, item.text, (item.text, item.evidence), lambda u: officer(u) or records_it(u))
    )
    entry = FourFormsEntry.objects.create(
        cadre=cadre,
        form=FourFormsEntry.Form.FIRST,
        measure=FourFormsEntry.Measure.CRITICISM,
        decided_on=datetime.date(2026, 6, 1),
        decision_ref=f"东纪〔2026〕{number}号",
        note=f"〔形态备注{tag}〕",
        created_by=worker,
    )
    records.append(Record("four_forms_entry", entry.pk, entry.note, (entry.note,), officer))
    session = EducationSession.objects.create(
        organiser=union,
        kind=EducationSession.Kind.WARNING_FILM,
        title=f"〔警示教育{tag}〕",
        held_on=datetime.date(2026, 5, 20),
        created_by=worker,
    )
    EducationAttendance.objects.create(session=session, cadre=cadre)
    records.append(Record("education_session", session.pk, session.title, (), officer))
    letter = ResponsibilityLetter.objects.create(
        union=union,
        year=2026,
        party=ResponsibilityLetter.Party.DEPARTMENT,
        department=f"〔责任部门{tag}〕",
        created_by=worker,
    )
    records.append(Record("responsibility_letter", letter.pk, letter.department, (), officer))
    batch = LetterBatch.objects.create(union=union, year=2026, requested_by=recorder_user)
    records.append(Record("letter_batch", batch.pk, "", (), lambda u: officer(u) and records_it(u)))
    issued = OpinionLetter.objects.create(
        cadre=cadre,
        purpose=OpinionLetter.Purpose.PROMOTION,
        request_note=f"〔拟提任{tag}〕",
        requested_by=requester_user,
        status=OpinionLetter.Status.ISSUED,
        conclusion=OpinionLetter.Conclusion.PROBLEM,
        problem_category=OpinionLetter.ProblemCategory.INTEGRITY,
        remarks=f"〔意见书评语{tag}〕",
        as_of=today,
        valid_until=today + datetime.timedelta(days=90),
        number=f"廉意〔2026〕{number}号",
        sequence_year=2026,
        sequence=number,
        issued_by=worker,
        issued_at=timezone.now(),
    )
    asked = OpinionLetter.objects.create(
        cadre=cadre,
        purpose=OpinionLetter.Purpose.COMMENDATION,
        request_note=f"〔拟表彰{tag}〕",
        requested_by=requester_user,
    )
    for letter in (issued, asked):
        records.append(Record("opinion_letter", letter.pk, letter.request_note, (letter.remarks,), officer))
        # The requester's pages: the conclusion and validity, never the remarks (a secret of the above).
        records.append(Record("requested_opinion", letter.pk, letter.request_note, (), lambda u: u == requester))
    records.append(Record("integrity_cadre", cadre.pk, "", (), officer))
    # Not a page of its own: the cadre's name, which no integrity page (a list, a form's choices) shows
    # to anyone but the officers over them, the recorder and the requester of their records, and the
    # cadre officers over them (who ask for letters on the cadres they keep).
    records.append(
        Record(
            NAME_ONLY,
            cadre.pk,
            "",
            (cadre.name,),
            lambda u: officer(u) or records_it(u) or u == requester or plan.reaches(u, node, CADRE_STAFF),
        )
    )
    for record in records:
        record.node = node
    return records


def make_cadre(union: Union, number: int) -> Cadre:
    return Cadre.objects.create(
        union=union,
        name=f"〔廉政干部{number:03d}〕",
        sex="M",
        birth_date=datetime.date(1985, 1, 1),
        mobile=f"136{number:08d}",
        post="办公室主任",
        rank="township_section",
        employment="full_time",
        political_status="cpc_member",
        education="bachelor",
        in_post_since=datetime.date(2020, 1, 1),
    )


def integrity_world() -> dict:
    """Every row of the integrity app (and the cadres it names): a request that may not see must change none."""
    rows = {}
    for model in apps.get_app_config("integrity").get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = sorted(model.objects.values_list(*fields), key=repr)
    return rows


# --- random trees and roles --------------------------------------------------------------------


@st.composite
def plans(draw) -> Plan:
    """A tree as in the scope property test; users with random roles, and a superuser with none last."""
    parents: list[int | None] = [None]
    kinds: list[str] = [K.CITY_FEDERATION]
    for _ in range(draw(st.integers(min_value=1, max_value=MAX_NODES - 3))):
        if len([k for k in kinds if k == K.CITY_FEDERATION]) < 2 and draw(st.integers(0, 9)) == 0:
            parents.append(None)
            kinds.append(K.CITY_FEDERATION)
            continue
        holders = [i for i, kind in enumerate(kinds) if Union.CHILD_KINDS[kind]]
        parent = draw(st.sampled_from(holders))
        parents.append(parent)
        kinds.append(draw(st.sampled_from(sorted(Union.CHILD_KINDS[kinds[parent]]))))
    count = len(kinds)
    role = st.tuples(st.integers(0, count - 1), st.sampled_from(ROLE_KINDS))
    roles = draw(st.lists(st.lists(role, min_size=1, max_size=3, unique=True), min_size=1, max_size=MAX_USERS - 1))
    return Plan(parents, kinds, [False] * count, [*roles, []], draw(st.integers(0, 10_000)))


def build(plan: Plan):
    nodes, users = build_tree(plan)
    superuser = users[-1]
    superuser.is_superuser = superuser.is_staff = True
    superuser.save(update_fields=["is_superuser", "is_staff"])
    worker = UserFactory()
    numbers = itertools.count(1)
    records: list[Record] = []
    for node, union in enumerate(nodes):
        number = next(numbers)
        records += integrity_records(plan, node, union, make_cadre(union, number), users, worker, number)
    return nodes, users, records


POST_DATA = {
    "text": "〔测试〕",
    "evidence": "〔测试〕",
    "conclusion": "no_problem",
    "reason": "测试",
    "deadline": "2026-12-31",
    "confirm": "1",
}


def pick(things: list, seed: int) -> list:
    """One of them (none of none), a different one from one example to the next."""
    return things[seed % len(things) :][:1] if things else []


@override_settings(STAFF_MFA_REQUIRED=False)
class IntegrityVisibilityProperty(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._media = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls._media.cleanup()
        super().tearDownClass()

    @settings(max_examples=7, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plans())
    def test_no_integrity_record_is_shown_to_anyone_the_first_rule_does_not_name(self, plan):
        cache.clear()
        with override_settings(MEDIA_ROOT=self._media.name):
            nodes, users, records = build(plan)
            for user_index, user in enumerate(users):
                self.check_selectors(plan, records, user_index, user)
                hidden = [s for r in records if not r.visible_to(user_index) for s in r.secrets]
                client = Client()
                client.force_login(user)
                for url in PLAIN_URLS:
                    self.check_plain_url(client, plan, user_index, url, hidden)
                for url in OBJECT_URLS:
                    self.check_object_url(client, plan, records, user_index, url, hidden)

    def check_selectors(self, plan: Plan, records: list[Record], user_index: int, user) -> None:
        who = f"user {user_index} with {plan.roles[user_index]}"
        for kind, queryset in {
            "talk": selectors.talks_visible_to(user),
            "rectification": selectors.rectifications_visible_to(user),
            "four_forms_entry": selectors.four_forms_visible_to(user),
            "education_session": selectors.education_sessions_visible_to(user),
            "responsibility_letter": selectors.letters_visible_to(user),
            "letter_batch": selectors.letter_batches_visible_to(user),
            "opinion_letter": selectors.opinions_visible_to(user),
            "requested_opinion": selectors.opinions_requested_by(user),
            "integrity_cadre": selectors.cadres_in_scope(user),
        }.items():
            expected = {r.pk for r in records if r.kind == kind and r.visible_to(user_index)}
            assert set(queryset.values_list("pk", flat=True)) == expected, f"{kind} selector for {who}"

    def check_plain_url(self, client: Client, plan: Plan, user_index: int, url: IntegrityUrl, hidden) -> None:
        officer = any(kind == R.DISCIPLINE_OFFICER for _, kind in plan.roles[user_index])
        for method in ["get", "post"] if url.takes_post else ["get"]:
            response, changed = self.request(client, reverse(url.name), method, compare=not officer)
            where = f"{method.upper()} {url.name} as user {user_index} with {plan.roles[user_index]}"
            self.assert_hides(response, hidden, where)
            if not officer and url.name not in REQUESTER_PAGES:
                # 405: a method the page never takes is refused before anything is looked up, for all alike.
                assert response.status_code in {404, 405}, f"{where}: {response.status_code}"
                assert not changed, f"{where}: changed {changed}"

    def check_object_url(self, client, plan: Plan, records: list[Record], user_index: int, url: IntegrityUrl, hidden):
        things = [r for r in records if r.kind == url.kind]
        inside = [r for r in things if r.visible_to(user_index)]
        outside = [r for r in things if not r.visible_to(user_index)]
        who = f"as user {user_index} with {plan.roles[user_index]}"
        for method in ["get", "post"] if url.takes_post else ["get"]:
            unknown = self.request(client, self.path(url, MISSING), method)[0].status_code
            # 404, never 403: the integrity pages do not say that a record exists (405: the method is refused first).
            assert unknown in {404, 405}, f"{method.upper()} {url.name} of a made-up id {who}: {unknown}"
            if unknown == 405:
                continue
            # One of the near misses (a draft or another officer's batch, under the user's own officer
            # role) when there is one, and one taken at random.
            near = [r for r in outside if plan.reaches(user_index, r.node, DISCIPLINE)]
            tried = {r.pk: r for r in [*pick(near, plan.seed), *pick(outside, plan.seed)]}
            for thing in tried.values():
                where = f"{method.upper()} {url.name} of {url.kind} {thing.label or thing.pk} {who}"
                response, changed = self.request(client, self.path(url, thing.pk), method, compare=True)
                assert response.status_code == 404, f"{where}: {response.status_code}"
                self.assert_hides(response, [thing.label, *thing.secrets, *hidden], where)
                assert not changed, f"{where}: changed {changed}"
            for thing in pick(inside, plan.seed):
                where = f"{method.upper()} {url.name} of {url.kind} {thing.label or thing.pk} {who}"
                response, _ = self.request(client, self.path(url, thing.pk), method)
                self.assert_hides(response, hidden, where)
                if url.reads and method == "get":
                    assert response.status_code == 200, f"{where}: {response.status_code}, may see it"

    @staticmethod
    def path(url: IntegrityUrl, pk: int) -> str:
        return reverse(url.name, kwargs={url.argument: pk})

    @staticmethod
    def assert_hides(response, strings, where: str) -> None:
        page = response.body.decode(errors="replace")
        shown = [s for s in strings if s and s in page]
        assert not shown, f"{where}: shows {shown}"

    def request(self, client: Client, path: str, method: str, *, compare: bool = False):
        before = integrity_world() if compare and method == "post" else None
        with transaction.atomic():
            response = client.get(path) if method == "get" else client.post(path, POST_DATA)
            # A file answer (a PDF, a Word letter) is read whole too: it must not hold what it may not.
            response.body = b"".join(response.streaming_content) if response.streaming else response.content
            after = integrity_world() if before is not None else None
            transaction.set_rollback(True)
        if before is None:
            return response, []
        return response, [label for label in before if before[label] != after[label]]


def one_of_each_kind(union: Union, officer, number: int = 1) -> tuple[Cadre, list[Record]]:
    """A cadre at ``union`` with one record of each kind, ``officer`` recording the talks and asking for
    the letters: for the tests that walk every integrity URL as one user (the trail, the admin)."""
    plan = Plan([None], [union.kind], [False], [[(0, R.DISCIPLINE_OFFICER)]], 0)
    cadre = make_cadre(union, number)
    return cadre, integrity_records(plan, 0, union, cadre, [officer], UserFactory(), number)


@pytest.mark.django_db
def test_the_requesters_pages_show_the_conclusion_and_nothing_of_the_record(client, tree):
    requester = UserFactory()
    Role.objects.create(user=requester, union=tree["city"], kind=R.CADRE_OFFICER)
    _, records = one_of_each_kind(tree["s1"], UserFactory())
    letters = OpinionLetter.objects.filter(pk__in=[r.pk for r in records if r.kind == "requested_opinion"])
    letters.update(requested_by=requester)
    issued = letters.get(status=OpinionLetter.Status.ISSUED)
    content = [s for r in records if r.kind != NAME_ONLY for s in r.secrets if s]
    assert issued.remarks in content
    client.force_login(requester)
    for path in [reverse("integrity:opinion_requested_list")] + [
        reverse("integrity:opinion_requested_detail", kwargs={"pk": letter.pk}) for letter in letters
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert [s for s in content if s in page] == [], path
    page = client.get(reverse("integrity:opinion_requested_detail", kwargs={"pk": issued.pk})).content.decode()
    assert issued.number in page, "the requester reads the letter's number, conclusion and validity"
    for name in ("opinion_detail", "opinion_pdf"):
        assert client.get(reverse(f"integrity:{name}", kwargs={"pk": issued.pk})).status_code == 404, name
