"""The background jobs at city scale: the monthly PDF report and the daily reminder dispatch.

Steps (each run in a fresh process by ``harness.measure("bench.jobs:<step>", **params)``):

- ``step_monthly_pdf(union, month)``: one node's monthly membership report, built the way the
  monthly schedule's task builds it (``reports.services.report_build``), with the time of the
  figures (SQL) and of the rendering (WeasyPrint) taken apart.
- ``step_reminders(now)``: ``members.reminders.dispatch_reminders`` twice at the same moment; the
  second run must make nothing.

Preparation, run in the calling process before the step (Django set up): ``prepare_reminders``
makes exactly the wanted number of items due and returns the ``now`` to pass to ``step_reminders``.
``table(jobs)`` turns the figures into readable lines.
"""

import datetime
import itertools
import random
import re
import time
import zlib
from contextlib import contextmanager

from bench.harness import WORK, note

SEED = 20261207
# Region code of the applications this bench adds (乌鲁木齐市天山区): no other generator of the
# portal or its benches uses it, so the numbers cannot meet a seeded member or application.
REGION = "650102"
APPLICANT_PREFIX = "bench-reminder-"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢钟"
GIVEN = "伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华国志红梅玉燕文斌辉鹏晓东春雪峰晨阳建亮琳凯"
# How long ago the added applications were submitted: all past the first reminder (3 days by
# default), a little over half past the escalation (7 days), none older than 12 days.
AGE_DAYS = (3.05, 12.0)


# --- small tools -----------------------------------------------------------------------------------
@contextmanager
def timed_calls(module, name: str, spent: list[float]):
    """Replace ``module.name`` by a wrapper that adds each call's wall time to ``spent``: the build
    runs unchanged, and the step still learns how long its two phases took."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def pdf_pages(content: bytes) -> int:
    """Pages of a PDF without a PDF library: WeasyPrint packs its objects into compressed object
    streams, so inflate every stream and count the page objects (``/Type /Page``, not ``/Pages``)."""
    texts = [content]
    for match in re.finditer(rb"stream\r?\n", content):
        end = content.find(b"endstream", match.end())
        try:
            texts.append(zlib.decompressobj().decompress(content[match.end() : end]))
        except zlib.error:
            continue  # an image or font stream that is not deflated: no page objects in it
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", b"\n".join(texts)))


@contextmanager
def counted_queries(counter: list[int]):
    """Count the SQL statements run inside (DEBUG is off, so Django keeps no query log)."""
    from django.db import connection

    def wrapper(execute, sql, params, many, context):
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def _moment(value) -> datetime.datetime:
    """A datetime from a datetime, an ISO string, or a date (noon that day, local time); None is now."""
    from django.utils import timezone

    if value is None:
        return timezone.now().replace(microsecond=0)
    if isinstance(value, str):
        value = (
            datetime.datetime.fromisoformat(value)
            if "T" in value or " " in value
            else datetime.date.fromisoformat(value)
        )
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(12))
    return value if timezone.is_aware(value) else timezone.make_aware(value)


# --- the monthly PDF report ------------------------------------------------------------------------
def step_monthly_pdf(union: int, month: str) -> dict:
    """Build the monthly membership report of ``union`` for ``month`` (YYYY-MM) as its task does."""
    started = time.perf_counter()
    from django.core import mail
    from django.test import override_settings

    from reports import builders, services  # WeasyPrint with them: loaded once in a worker's life
    from reports.models import Report
    from reports.statistics import parse_month
    from unions.models import Union

    import_seconds = time.perf_counter() - started

    node = Union.objects.get(pk=union)
    params = {"month": f"{parse_month(month):%Y-%m}"}
    # The schedule's report (requested by no one) of this node and month. An earlier run's report
    # would be reused by the service and make this step a no-op, so it goes first, with its file.
    key = services._reuse_key(Report.Kind.MONTHLY_MEMBERSHIP, node, params)
    for earlier in Report.objects.filter(reuse_key=key):
        if earlier.file:
            earlier.file.delete(save=False)
        earlier.delete()
    report = Report.objects.create(
        kind=Report.Kind.MONTHLY_MEMBERSHIP, union=node, parameters=params, requested_by=None, reuse_key=key
    )

    figures_spent: list[float] = []
    render_spent: list[float] = []
    started = time.perf_counter()
    # The schedule's report tells the node's leaders by e-mail too: keep those in memory, whatever
    # mail server the settings name.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        timed_calls(builders, "monthly_figures", figures_spent),
        timed_calls(builders, "render_pdf", render_spent),
    ):
        report = services.report_build(report_id=report.pk)
        emails = len(getattr(mail, "outbox", []))
    build_seconds = time.perf_counter() - started
    if report is None or report.status != Report.Status.DONE:
        raise RuntimeError(f"the report was not built: {report and report.status} {report and report.error}")

    with report.file.open("rb") as handle:
        content = handle.read()
    WORK.mkdir(parents=True, exist_ok=True)
    copy = WORK / f"monthly-{union}.pdf"
    copy.write_bytes(content)
    return {
        "union": node.name,
        "month": params["month"],
        "bytes": len(content),
        "pages": pdf_pages(content),
        "figures_seconds": round(sum(figures_spent), 3),
        "render_seconds": round(sum(render_spent), 3),
        # report_build as a whole: the two phases, the charts, storing the file and the bookkeeping.
        "build_seconds": round(build_seconds, 3),
        # A fresh process first loads WeasyPrint and the report modules; a running worker has them.
        "import_seconds": round(import_seconds, 3),
        "leader_emails": emails,
        "file": str(copy),
    }


# --- the reminder dispatch -------------------------------------------------------------------------
def due_counts(now: datetime.datetime) -> dict:
    """What ``dispatch_reminders(now=now)`` will find due, counted with its own conditions."""
    from django.conf import settings

    from members.models import Application, Transfer

    applications = Application.objects.filter(
        status=Application.Status.SUBMITTED,
        submitted_at__lte=now - datetime.timedelta(days=settings.REMINDER_APPLICATION_DAYS),
    )
    escalations = applications.filter(
        submitted_at__lte=now - datetime.timedelta(days=settings.REMINDER_ESCALATION_DAYS)
    )
    waiting_since = now - datetime.timedelta(days=settings.REMINDER_TRANSFER_DAYS)
    transfers = Transfer.objects.filter(
        status=Transfer.Status.REQUESTED, requested_at__lte=waiting_since
    ) | Transfer.objects.filter(status=Transfer.Status.RELEASED, released_at__lte=waiting_since)
    counts = {
        "applications_due": applications.count(),
        "escalations_due": escalations.count(),
        "transfers_due": transfers.count(),
    }
    counts["total_due"] = counts["applications_due"] + counts["transfers_due"]
    return counts


def remove_added_applications() -> int:
    """Take out the applications an earlier ``prepare_reminders`` added. Their applicant accounts and
    consents stay for the next run to use again: they hold nothing else and cannot sign in, and
    deleting tens of thousands of users through the ORM (which follows every relation) takes long."""
    from members.models import Application

    removed, _by_model = Application.objects.filter(applicant__username__startswith=APPLICANT_PREFIX).delete()
    return removed


def _applicants(names: list[str], rng: random.Random) -> list[tuple[int, int]]:
    """(user, consent) for each of these applicant usernames: kept from an earlier run, else made."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from members.models import Consent
    from members.services import CONSENT_TEXT_VERSION

    # Drawn for every name, made or not, so that the rest of the run draws the same whatever exists.
    people = {name: rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", rng.choice(GIVEN))) for name in names}
    users = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    made = User.objects.bulk_create(
        [User(username=name, name=people[name], password=make_password(None)) for name in names if name not in users],
        batch_size=1000,
    )
    users.update((user.username, user.pk) for user in made)
    consents = dict(Consent.objects.filter(user_id__in=users.values()).values_list("user_id", "pk"))
    made = Consent.objects.bulk_create(
        [Consent(user_id=pk, text_version=CONSENT_TEXT_VERSION) for pk in users.values() if pk not in consents],
        batch_size=1000,
    )
    consents.update((consent.user_id, consent.pk) for consent in made)
    return [(users[name], consents[users[name]]) for name in names]


def _id_numbers():
    """Valid ID numbers of REGION, never the same twice, with their birth dates."""
    from members.management.commands._scale import id_number_for

    for k in itertools.count():
        value = id_number_for(k, (REGION,))
        yield value, datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def prepare_reminders(due_items: int = 50_000, *, today=None, city: str | None = None, batch: int = 5_000) -> dict:
    """Make exactly ``due_items`` items due for ``dispatch_reminders`` at ``today`` (the moment the
    step will pass as ``now``: a datetime, an ISO string, or a date meaning noon; default now).

    Counts the seeded due applications and transfers and adds submitted applications, each with an
    applicant account and a consent, over the open grassroots and joint unions of ``city`` (the root
    with the most such unions by default) in proportion to their active members, as workers apply
    where they work (and as the seed spreads its own). Removes the applications an earlier run added
    and every reminder earlier dispatches left, so the step measures a first dispatch. Returns the
    counts and the ``now`` to pass to the step.
    """
    from django.db import connection, transaction
    from django.db.models import Count, Q

    from accounts.kinds import reminder_kinds
    from accounts.models import Notification
    from members import id_number, pii
    from members.models import Application, Member
    from unions.models import Union

    now = _moment(today)
    started = time.perf_counter()
    removed_applications = remove_added_applications()
    removed_reminders, _by_model = Notification.objects.filter(kind__in=reminder_kinds.values()).delete()
    seeded = due_counts(now)
    missing = max(due_items - seeded["total_due"], 0)

    holders = [Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION]
    roots = Union.objects.get_root_nodes()
    root = (
        roots.get(name=city)
        if city
        else max(roots, key=lambda r: Union.objects.filter(path__startswith=r.path, kind__in=holders).count())
    )
    unions = list(
        Union.objects.filter(path__startswith=root.path, kind__in=holders, closed_on__isnull=True)
        .annotate(size=Count("members", filter=Q(members__status=Member.Status.ACTIVE)))
        .order_by("pk")
        .values_list("pk", "employer_name", "size")
    )
    if not unions:
        raise RuntimeError(f"no grassroots or joint union to apply to under {root.name}")
    # Unions without members yet still get the odd application (weight 1 instead of 0).
    cumulative = list(itertools.accumulate(max(size, 1) for _pk, _employer, size in unions))
    rng = random.Random(SEED)
    numbers = _id_numbers()
    added = 0
    while added < missing:
        size = min(batch, missing - added)
        # Drop the numbers a member or an open application already holds; the next pass makes up for them.
        drawn = [next(numbers) for _ in range(size)]
        hashes = {pii.id_hash(value): (value, born) for value, born in drawn}
        taken = set(Member.objects.filter(id_hash__in=hashes).values_list("id_hash", flat=True))
        taken |= set(
            Application.objects.filter(id_hash__in=hashes, status__in=Application.OPEN_STATUSES).values_list(
                "id_hash", flat=True
            )
        )
        people = [(h, value, born) for h, (value, born) in hashes.items() if h not in taken]
        with transaction.atomic():
            names = [f"{APPLICANT_PREFIX}{added + i + 1:07d}" for i in range(len(people))]
            applicants = _applicants(names, rng)
            targets = rng.choices(unions, cum_weights=cumulative, k=len(people))
            applications = []
            for (user_id, consent_id), (hashed, value, born), (union_id, employer, _size) in zip(
                applicants, people, targets, strict=True
            ):
                applications.append(
                    Application(
                        applicant_id=user_id,
                        consent_id=consent_id,
                        union_id=union_id,
                        submitted_at=now - datetime.timedelta(days=rng.uniform(*AGE_DAYS)),
                        name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", rng.choice(GIVEN))),
                        id_hash=hashed,
                        id_encrypted=pii.encrypt(value),
                        id_masked=id_number.mask(value),
                        sex="M" if int(value[16]) % 2 else "F",
                        birth_date=born,
                        mobile=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                        employer_name=employer,
                        is_migrant_worker=rng.random() < 0.25,
                    )
                )
            Application.objects.bulk_create(applications, batch_size=1000)
        added += len(applications)
    # Fresh planner statistics after tens of thousands of rows in and out, as on a settled database.
    with connection.cursor() as cursor:
        for table_name in ("members_application", "members_consent", "accounts_user", "accounts_notification"):
            cursor.execute(f"VACUUM ANALYZE {table_name}")
    counts = due_counts(now)
    note(
        f"reminders: {counts['total_due']:,} items due at {now.isoformat()} "
        f"({seeded['total_due']:,} seeded, {added:,} added in {time.perf_counter() - started:.1f} s)"
    )
    return {
        **counts,
        "seeded_due": seeded["total_due"],
        "added_applications": added,
        # The seed alone may hold more due items than wanted: none are taken away.
        "over_target": max(seeded["total_due"] - due_items, 0),
        "removed_earlier_applications": removed_applications,
        "removed_earlier_reminders": removed_reminders,
        "city": root.name,
        "unions": len(unions),
        "now": now.isoformat(),
    }


def _reminder_rows() -> int:
    from accounts.kinds import reminder_kinds
    from accounts.models import Notification

    return Notification.objects.filter(kind__in=reminder_kinds.values()).count()


def step_reminders(now: str | None = None) -> dict:
    """Dispatch the due reminders twice at the same moment: ``now`` as ``prepare_reminders`` returned
    it (ISO), so that exactly the prepared items are due; default the present moment."""
    from dataclasses import asdict

    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test import override_settings

    from members.reminders import dispatch_reminders

    moment = _moment(now)
    result = {
        "now": moment.isoformat(),
        # With a broker (REDIS_URL) the e-mail jobs only go to its queue, for workers to send; without
        # one Celery runs them inside the dispatch (eager), so its time includes every e-mail sent.
        "celery_eager": bool(settings.CELERY_TASK_ALWAYS_EAGER),
        "mail_backend_configured": settings.EMAIL_BACKEND,
        # Whatever mail server the settings name, nothing leaves the machine: copies stay in memory.
        "mail_backend": "django.core.mail.backends.locmem.EmailBackend",
    }
    with override_settings(EMAIL_BACKEND=result["mail_backend"]):
        for run in ("first", "second"):
            before = _reminder_rows()
            queries = [0]
            mail.outbox = []
            started = time.perf_counter()
            with counted_queries(queries):
                dispatched = dispatch_reminders(now=moment)
            result[f"{run}_seconds"] = round(time.perf_counter() - started, 2)
            result[f"{run}_created"] = _reminder_rows() - before
            result[run] = {**asdict(dispatched), "queries": queries[0], "emails_sent": len(mail.outbox)}
            mail.outbox = []  # let the copies go: tens of thousands of messages weigh on memory
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM accounts_notification WHERE dedupe_key <> '' "
            "GROUP BY recipient_id, dedupe_key HAVING count(*) > 1) AS twice"
        )
        result["duplicates"] = cursor.fetchone()[0]
    first = result["first"]
    result["total_due"] = first["applications"] + first["transfers"]
    result["emails_queued"] = first["emails_queued"]
    return result


# --- the figures as lines --------------------------------------------------------------------------
def table(jobs: dict) -> list[str]:
    """Readable lines for the figures of these steps, under whatever labels the caller keeps them: a
    monthly PDF has ``render_seconds``, a dispatch ``first_seconds``, a preparation ``seeded_due``."""
    lines = []
    for label, figures in jobs.items():
        if not isinstance(figures, dict):
            continue
        if "render_seconds" in figures:
            lines.append(
                f"{label}: {figures['union']} {figures['month']}: {figures['seconds']:.2f} s wall, "
                f"{figures['peak_rss_mb']:.0f} MB peak, {figures['import_seconds']:.2f} s of it loading WeasyPrint; "
                f"report_build {figures['build_seconds']:.2f} s, of which "
                f"figures (SQL) {figures['figures_seconds']:.2f} s, rendering {figures['render_seconds']:.2f} s; "
                f"{figures['pages']} pages, {figures['bytes'] / 1024:.0f} KiB"
            )
        elif "first_seconds" in figures:
            lines.append(
                f"{label}: {figures['total_due']:,} due items: {figures['seconds']:.2f} s wall for both runs, "
                f"{figures['peak_rss_mb']:.0f} MB peak"
            )
            for run in ("first", "second"):
                done = figures[run]
                lines.append(
                    f"    {run} run {figures[run + '_seconds']:.2f} s: {figures[run + '_created']:,} reminders made "
                    f"({done['messages']:,} addressed to staff over {done['applications']:,} applications, "
                    f"{done['escalations']:,} escalated, and {done['transfers']:,} transfers), "
                    f"{done['batches']} batches, {done['queries']:,} queries, "
                    f"{done['emails_queued']:,} e-mail copies queued, {done['emails_sent']:,} sent in the run"
                )
            jobs_go = "ran inside the dispatch (eager)" if figures["celery_eager"] else "went to the broker"
            lines.append(
                f"    none twice: {figures['duplicates']} (recipient, key) pairs held twice; e-mail jobs {jobs_go}; "
                f"mail kept in memory (settings name {figures['mail_backend_configured'].rsplit('.', 2)[-2]})"
            )
        elif "seeded_due" in figures:
            lines.append(
                f"{label}: {figures['total_due']:,} items due ({figures['applications_due']:,} applications, "
                f"{figures['escalations_due']:,} of them past escalation, {figures['transfers_due']:,} transfers): "
                f"{figures['seeded_due']:,} seeded, {figures['added_applications']:,} applications added "
                f"over {figures['unions']:,} unions of {figures['city']}"
            )
    return lines
