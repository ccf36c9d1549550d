"""The read trail (issue 15): every integrity page that shows a record's content leaves one audit row
saying who read which record, never a word of it; the security auditor of the subtree reads the trail.

The pages are found in the resolver (every integrity route that names a record), so a page added
later is walked too. A page is taken to show a record's content when its answer holds one of the
record's content strings; such a page, and every record's own page (``.../<pk>/``), must leave exactly
one row of a read action (``integrity.*_read`` or ``*_shown``) naming the reader and the record.
"""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from integrity import kinds
from unions.models import Role

from ..factories import staff
from .test_visibility_property import NAME_ONLY, OBJECT_URLS, one_of_each_kind

READ_ACTIONS = frozenset(
    value for name, value in vars(kinds).items() if name.endswith(("_READ", "_SHOWN")) and isinstance(value, str)
)
# Pages of these show no record's content: the requester's pages (the conclusion and validity only) and
# a batch of letters for printing (its state; the letters themselves are read on their own pages).
NO_CONTENT_KINDS = frozenset({"requested_opinion", "letter_batch"})


def test_the_read_actions_are_the_apps_own():
    assert kinds.TALK_READ in READ_ACTIONS
    assert kinds.OPINION_RECORD_SHOWN in READ_ACTIONS
    assert all(action.startswith("integrity.") for action in READ_ACTIONS)


def columns(event: AuditEvent) -> str:
    """Every column of the row, as text."""
    return " ".join(str(getattr(event, f.attname)) for f in AuditEvent._meta.concrete_fields)


@pytest.fixture
def officer(tree):
    return staff(Role.Kind.DISCIPLINE_OFFICER, tree["d1"], username="trail-officer")


@pytest.fixture
def records(tree, officer):
    _, records = one_of_each_kind(tree["s1"], officer)
    return records


def read_rows(after_pk: int):
    return list(AuditEvent.objects.filter(pk__gt=after_pk, action__in=READ_ACTIONS))


@pytest.mark.django_db
def test_every_page_that_shows_a_records_content_leaves_one_trail_row_without_content(client, officer, records):
    client.force_login(officer)
    # The content of every record (a cadre's name, a session's title, a letter's department are no content).
    secrets = [s for r in records if r.kind != NAME_ONLY for s in r.secrets if s]
    walked, recorded, wrong = [], [], []
    for url in OBJECT_URLS:
        for record in [r for r in records if r.kind == url.kind]:
            last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(reverse(url.name, kwargs={url.argument: record.pk}))
            where = f"GET {url.name} of {url.kind} #{record.pk}"
            body = b"".join(response.streaming_content) if response.streaming else response.content
            page = body.decode(errors="replace")
            for row in AuditEvent.objects.filter(pk__gt=last):
                if [s for s in secrets if s in columns(row)]:
                    wrong.append(f"{where}: content in the trail ({row.action})")
            shows = [s for s in record.secrets if s and s in page]
            if url.kind in NO_CONTENT_KINDS:
                assert shows == [], f"{where}: shows content"
                continue
            walked.append(where)
            if response.status_code != 200 or not (shows or url.reads):
                continue
            reads = read_rows(last)
            if len(reads) != 1:
                wrong.append(f"{where}: read rows {[r.action for r in reads]}, one expected")
                continue
            (row,) = reads
            if (row.actor_id, row.target_id) != (officer.pk, str(record.pk)) or not row.union_path:
                wrong.append(f"{where}: the row names {row.actor_id}, {row.target_id!r}, {row.union_path!r}")
                continue
            recorded.append(url.name)
    assert walked, "the integrity pages that name a record are found"
    assert wrong == []
    # Every record's own page records its read.
    assert {url.name for url in OBJECT_URLS if url.reads and url.kind not in NO_CONTENT_KINDS} <= set(recorded)


@pytest.mark.django_db
def test_the_security_auditor_of_the_subtree_reads_the_trail_and_plain_staff_cannot(client, tree, officer, records):
    client.force_login(officer)
    talk = next(r for r in records if r.kind == "talk" and r.visible_to(0) and r.secrets[-1].startswith("〔更正"))
    response = client.get(reverse("integrity:talk_detail", kwargs={"pk": talk.pk}))
    assert response.status_code == 200
    row = AuditEvent.objects.get(action=kinds.TALK_READ, target_id=str(talk.pk))
    assert row.target_label and talk.label not in row.target_label

    auditor = staff(Role.Kind.AUDITOR, tree["d1"], username="trail-auditor")
    client.force_login(auditor)
    page = client.get(reverse("unions:audit")).content.decode()
    assert row.target_label in page
    assert row.actor_label in page
    assert [s for s in talk.secrets if s in page] == []

    other_auditor = staff(Role.Kind.AUDITOR, tree["d2"], username="trail-auditor-d2")
    client.force_login(other_auditor)
    page = client.get(reverse("unions:audit")).content.decode()
    assert row.target_label not in page, "an auditor of another district reads this district's trail"

    plain = staff(Role.Kind.FEDERATION_STAFF, tree["d1"], username="trail-staff")
    client.force_login(plain)
    assert client.get(reverse("unions:audit")).status_code == 403
