"""How fast the staff pages answer: server time, queries, their own SQL alone, and the Django admin beside them.

A bench step, run in a fresh process by the harness over whatever data the configured database holds:

    measure("bench.pages:step_pages", users={"city": ..., "district": ..., "union": ..., "leader": ...,
            "leader_district": ...}, runs=30)

Each page is requested in-process with ``django.test.Client`` under the production settings (DEBUG off,
HTTPS, staff MFA required, the Redis cache when REDIS_URL is set): the server time is the wall time
around ``client.get``/``client.post``, so it includes the middleware, the view, the queries and the
template, but no network or web server. For every scenario:

- ``p50_ms``/``p95_ms`` of ``runs`` timed requests after ``warmup`` untimed ones;
- ``queries`` per request, counted on separate requests under ``CaptureQueriesContext`` (the most of
  ``CAPTURES`` of them), so that the timed requests do not pay for the capture; counted as
  ``assertNumQueries`` counts them: the session's BEGIN, UPDATE and COMMIT (SESSION_SAVE_EVERY_REQUEST)
  are three of them on every page;
- ``sql_ms``: the page's own SELECT statements, as captured, run again with a raw cursor (rows
  fetched), the median of ``SQL_REPEATS`` passes; writes (the session's UPDATE, an approval's
  INSERTs) are not run again and are counted in ``sql_not_replayed``;
- ``django_overhead_ratio`` = p50_ms / sql_ms: how much longer the page takes than its SQL alone.

Every response is checked: 200 for a page, 302 to the expected place after a POST. Anything else
(a redirect to sign-in or to MFA set-up, a 404, a 400) stops the bench: timing those is worthless.

Beside the member lists and the approval queue, the Django admin changelist over the same rows,
filters and order (``admin`` in the result), measured right after its portal page.

Setup, outside every timed section: the bench users get a TOTP authenticator when their role needs
one (MFA stays required), ``is_staff`` and the view permissions the admin asks for; the ids used (a
member, unions, applications) are chosen from the data with a fixed seed and returned under
``setup``. The approval scenario approves a different submitted application on every request: each
run of the bench turns ``warmup + runs + CAPTURES`` applications into members. The static files
must be collected first (``bench/run.py`` does it): production's manifest storage fails every page
without its manifest. ``setup["table_statistics"]`` says when the big tables
were last analysed: a freshly filled database without statistics gets plans that read whole scopes.
"""

import math
import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

SEED = 20261207
CAPTURES = 2  # requests counted under CaptureQueriesContext; the most queries of them is reported
SQL_REPEATS = 5  # passes over a page's captured SQL; the median is reported
DEEP_PAGE = 200  # page 200 of 50 rows: the list reads past 9,950 rows
PORTAL_PAGE_SIZE = 50  # members.views.staff.MemberListView.page_size, checked in setup
ADMIN_PAGE_SIZE = 100  # ModelAdmin.list_per_page
NAME_PREFIX_LENGTH = 2  # a surname and the first character of a given name: what a clerk types


# --- measuring one scenario -----------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 30 runs, p95 is the 29th fastest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def send(client, request: tuple[str, str, dict | None]):
    """One request over HTTPS (SECURE_SSL_REDIRECT would answer plain HTTP with a 301); its time in ms."""
    method, url, data = request
    started = time.perf_counter()
    response = client.post(url, data or {}, secure=True) if method == "post" else client.get(url, secure=True)
    return response, (time.perf_counter() - started) * 1000


def check(name: str, request: tuple, response, redirect_to: str | None = None) -> None:
    """Fail loudly on anything but the page itself (or, after a POST, the expected redirect)."""
    method, url, _data = request
    expected = 302 if method == "post" else 200
    location = response.headers.get("Location", "")
    if response.status_code != expected or (redirect_to is not None and location != redirect_to):
        raise RuntimeError(
            f"{name}: {method.upper()} {url} answered {response.status_code}"
            + (f" → {location}" if location else "")
            + f", expected {expected}"
            + (f" → {redirect_to}" if redirect_to else "")
        )


def replay_sql_ms(statements: list[str]) -> float:
    """The time of the page's SELECTs alone, run again as captured (parameters already bound), rows fetched."""
    from django.db import connection

    passes = []
    for _ in range(SQL_REPEATS):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        passes.append((time.perf_counter() - started) * 1000)
    return statistics.median(passes)


# A model choice field iterates its queryset with a server-side cursor: the SELECT inside it is replayed.
_DECLARE = re.compile(r'^\s*DECLARE\s+"[^"]+"\s+NO SCROLL CURSOR\s+WITH(?:OUT)? HOLD\s+FOR\s+', re.IGNORECASE)


def replayable(sql: str) -> str | None:
    """The statement to run again for ``sql_ms``: a SELECT as captured, the SELECT of a server-side
    cursor; None for writes and transaction control (BEGIN, COMMIT, SAVEPOINT), which are not run again."""
    sql = _DECLARE.sub("", sql)
    return sql if sql.lstrip().upper().startswith(("SELECT", "WITH")) else None


def measure_scenario(
    name: str,
    client,
    next_request: Callable[[], tuple[str, str, dict | None]],
    *,
    runs: int,
    warmup: int,
    before: Callable[[], None] | None = None,
    redirect_to: str | None = None,
    expect_text: str | None = None,
) -> dict:
    """Warm up, time ``runs`` requests, then count and replay the queries of ``CAPTURES`` more.

    ``next_request()`` gives each request (the approval posts a different application every time);
    ``before()`` runs before each request, untimed (the cold dashboard clears the cache there).
    ``expect_text`` must appear in the captured responses (a search must find the chosen member).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def one(timed: bool):
        if before is not None:
            before()
        request = next_request()
        response, elapsed = send(client, request)
        check(name, request, response, redirect_to)
        return request, response, elapsed

    for _ in range(warmup):
        one(timed=False)
    times = [one(timed=True)[2] for _ in range(runs)]

    captured: list[str] = []
    counts = []
    for _ in range(CAPTURES):
        if before is not None:
            before()
        request = next_request()
        with CaptureQueriesContext(connection) as queries:
            response, _elapsed = send(client, request)
        check(name, request, response, redirect_to)
        if expect_text is not None and expect_text not in response.content.decode():
            raise RuntimeError(f"{name}: {request[1]} answered 200 without {expect_text!r}")
        counts.append(len(queries.captured_queries))
        size = len(response.content)
        if len(queries.captured_queries) >= len(captured):
            captured = [query["sql"] for query in queries.captured_queries]
    selects = [statement for sql in captured if (statement := replayable(sql)) is not None]
    sql_ms = replay_sql_ms(selects)
    p50 = statistics.median(times)
    return {
        "url": request[1],
        "runs": runs,
        "p50_ms": round(p50, 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "queries": max(counts),
        "kb": round(size / 1024, 1),
        "sql_ms": round(sql_ms, 2),
        "sql_replayed": len(selects),
        "sql_not_replayed": len(captured) - len(selects),
        "django_overhead_ratio": round(p50 / sql_ms, 1) if sql_ms else None,
    }


def get(url: str) -> Callable[[], tuple[str, str, None]]:
    return lambda: ("get", url, None)


def with_query(url: str, params: dict) -> str:
    return f"{url}?{urlencode(params)}" if params else url


# --- setup: settings, users, the ids the scenarios use -----------------------------------------------
def _relative(path: str) -> str:
    from django.conf import settings

    base = str(settings.BASE_DIR).rstrip("/") + "/"
    return path[len(base) :] if path.startswith(base) else path


def prepare_settings() -> dict:
    """Production settings, with what an in-process client needs: the test host name, and the static
    files' manifest (CompressedManifestStaticFilesStorage fails every page without one)."""
    from django.conf import settings

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    static = "storage without manifest" if settings.DEBUG else prepare_static_files()
    return {
        "debug": settings.DEBUG,
        "staff_mfa_required": settings.STAFF_MFA_REQUIRED,
        "secure_ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        # Relative to the project, so that the figures do not carry the machine's paths.
        "static_root": _relative(static),
    }


def prepare_static_files() -> str:
    """STATIC_ROOT, which ``bench/run.py`` fills with ``collectstatic`` before any step: production's
    manifest storage fails every page without its manifest, so say so before timing anything."""
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        raise RuntimeError(f"no static files manifest in {settings.STATIC_ROOT}: run manage.py collectstatic first")
    return str(settings.STATIC_ROOT)


def table_statistics() -> dict:
    """When the planner's statistics of the big tables were last gathered: with none (a freshly filled
    database before autovacuum has run) PostgreSQL guesses one row per table and picks plans that read
    a whole scope; the figures then say more about the statistics than about the pages. Likewise an
    index-only scan reads the table for every row until VACUUM has set the visibility map."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup, n_mod_since_analyze, greatest(last_analyze, last_autoanalyze),"
            " greatest(last_vacuum, last_autovacuum) FROM pg_stat_user_tables WHERE relname = ANY(%s) ORDER BY relname",
            [["members_member", "members_membercard", "members_application", "members_union", "reports_uniontally"]],
        )
        return {
            name: {
                "live_rows": live,
                "changed_since_analyze": changed,
                "analyzed_at": analyzed,
                "vacuumed_at": vacuumed,
            }
            for name, live, changed, analyzed, vacuumed in cursor.fetchall()
        }


def prepare_user(username: str, *, admin: bool) -> tuple:
    """The bench user, able to reach the pages under production settings: a TOTP authenticator when
    their roles need MFA (the middleware stays on), and for the admin ``is_staff`` with view rights
    (the admin still scopes them by their roles, see MemberScopedReadOnlyAdmin)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Permission

    from accounts.mfa_policy import needs_mfa
    from accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise RuntimeError(f"bench user {username!r} does not exist in this database")
    done = []
    if needs_mfa(user) and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
        done.append("totp")
    if admin:
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            done.append("is_staff")
        wanted = Permission.objects.filter(
            content_type__app_label="members", codename__in=["view_member", "view_application"]
        )
        user.user_permissions.add(*wanted)
    return user, done


def scope_root(user):
    """The top union of the user's member-staff (or, for a leader, dashboard) scope."""
    from unions.models import Union
    from unions.roles import DASHBOARD_KINDS
    from unions.scope import scope_paths

    paths = scope_paths(user, DASHBOARD_KINDS)
    if not paths:
        raise RuntimeError(f"{user.username} has no staff or leader role")
    return Union.objects.get(path=paths[0])


def common_name_prefix(user) -> tuple[str, int]:
    """The most common two-character start of an active member's name in the user's scope."""
    from django.db.models import Count
    from django.db.models.functions import Left

    from members import selectors
    from members.models import Member

    row = (
        selectors.members_visible_to(user)
        .filter(status=Member.Status.ACTIVE)
        .annotate(prefix=Left("name", NAME_PREFIX_LENGTH))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by("-n", "prefix")
        .first()
    )
    if row is None:
        raise RuntimeError(f"{user.username} sees no active member")
    return row["prefix"], row["n"]


def busiest_queue_union(user):
    """The union with the most applications waiting in the user's queue (None when it is empty)."""
    from django.db.models import Count

    from members import selectors

    row = (
        selectors.application_queue_for(user)
        .order_by()
        .values("union_id")
        .annotate(n=Count("id"))
        .order_by("-n", "union_id")
        .first()
    )
    return (row["union_id"], row["n"]) if row else (None, 0)


def approvable_applications(user, needed: int, rng: random.Random) -> list[int]:
    """Submitted applications to grassroots or joint unions in the user's scope that the approval
    will take (the ID number is no active or deceased member's), ``needed`` of them, chosen by seed."""
    from django.db.models import Exists, OuterRef

    from members import selectors
    from members.models import Member
    from unions.models import Union

    blocking = Member.objects.filter(
        id_hash=OuterRef("id_hash"), status__in=[Member.Status.ACTIVE, Member.Status.DECEASED]
    )
    ids = list(
        selectors.application_queue_for(user)
        .filter(union__kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION], union__closed_on__isnull=True)
        .filter(~Exists(blocking))
        .order_by("id")
        .values_list("id", flat=True)[:5000]
    )
    return sorted(rng.sample(ids, min(needed, len(ids))))


def choose_member(root, rng: random.Random):
    """An active member of the clerk's union with a current card, chosen by seed."""
    from members.models import Member, MemberCard

    ids = list(
        Member.objects.filter(
            union__path__startswith=root.path,
            status=Member.Status.ACTIVE,
            cards__revoked_on__isnull=True,
        )
        .order_by("id")
        .values_list("id", flat=True)[:5000]
    )
    if not ids:
        raise RuntimeError(f"no active member with a card in {root.name}")
    member = Member.objects.get(pk=rng.choice(ids))
    card = MemberCard.objects.get(member=member, revoked_on__isnull=True)
    return member, card


# --- the step -------------------------------------------------------------------------------------
def step_pages(users: dict[str, str], runs: int = 30, warmup: int = 3, quick: bool = False) -> dict:
    """Measure the staff pages (see the module's docstring). ``quick`` leaves out the optional
    scenarios (second filter, second sort, the dashboard's data.json)."""
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from members import search_tokens, selectors
    from members.filters import MemberFilter
    from members.models import Application, EmploymentType, Member, PoliticalStatus
    from members.views.staff import MemberListView

    if MemberListView.page_size != PORTAL_PAGE_SIZE:
        raise RuntimeError("the member list's page size changed: update PORTAL_PAGE_SIZE")
    rng = random.Random(SEED)
    setup: dict = {"settings": prepare_settings(), "table_statistics": table_statistics(), "users": {}}
    if any(row["analyzed_at"] is None for row in setup["table_statistics"].values()):
        from bench.harness import note

        note("warning: some tables were never analysed (ANALYZE): plans and figures may be far off")
    scenarios: dict[str, dict] = {}
    admin: dict[str, dict] = {}

    # Users, their clients (one signed-in session each) and their scopes.
    staff_keys = ("city", "district", "union")
    accounts, clients, roots = {}, {}, {}
    for key in ("city", "district", "union", "leader", "leader_district"):
        user, done = prepare_user(users[key], admin=key in staff_keys)
        accounts[key], roots[key] = user, scope_root(user)
        client = Client()
        client.force_login(user)
        clients[key] = client
        setup["users"][key] = {"username": user.username, "root": roots[key].name, "root_id": roots[key].pk}
        if done:
            setup["users"][key]["granted"] = done

    active = Member.Status.ACTIVE
    for key in staff_keys:
        user = accounts[key]
        setup["users"][key]["active_members"] = selectors.members_visible_to(user).filter(status=active).count()
        setup["users"][key]["submitted_applications"] = selectors.application_queue_for(user).count()

    member, card = choose_member(roots["union"], rng)
    setup["member"] = {"id": member.pk, "union_id": member.union_id, "card": card.number}

    # The applications the approval scenario will approve, chosen now so that too few fails before any
    # timing: the narrowest scope with enough of them waiting.
    needed = warmup + runs + CAPTURES
    approver, chosen = None, []
    for key in ("union", "district", "city"):
        chosen = approvable_applications(accounts[key], needed, rng)
        approver = key
        if len(chosen) >= needed:
            break
    if len(chosen) < needed:
        raise RuntimeError(f"only {len(chosen)} approvable applications found, {needed} needed")

    def run(name: str, key: str, next_request, **options) -> dict:
        from bench.harness import note

        note(name)
        figures = measure_scenario(name, clients[key], next_request, runs=runs, warmup=warmup, **options)
        scenarios[name] = figures
        return figures

    def pair(name: str, key: str, admin_url: str) -> None:
        """The admin changelist over the same rows, right after the portal's page (same load)."""
        from bench.harness import note

        note(name + " · admin")
        figures = measure_scenario(name + " · admin", clients[key], get(admin_url), runs=runs, warmup=warmup)
        portal = scenarios[name]["p50_ms"]
        admin[name] = {
            "admin_url": admin_url,
            "portal_p50_ms": portal,
            "portal_queries": scenarios[name]["queries"],
            "admin_p50_ms": figures["p50_ms"],
            "admin_p95_ms": figures["p95_ms"],
            "admin_queries": figures["queries"],
            "admin_sql_ms": figures["sql_ms"],
            "ratio_admin_vs_portal": round(figures["p50_ms"] / portal, 2) if portal else None,
        }

    # --- member lists, beside the admin -------------------------------------------------------------
    members_url = reverse("members:member_list")
    admin_members = reverse("admin:members_member_changelist")
    new_form = sorted(EmploymentType.new_form_values())
    # list_display of MemberAdmin: name (1), id_masked, mobile_masked, union, status, joined_on (6);
    # o=-6 is the portal's default order (newest first; the admin adds -pk as the portal adds -id).
    admin_active = {"status__exact": active}
    lists = [
        ("first page", {}, {"o": "-6"}),
        ("deep page", None, None),  # filled in per scope below
        (
            "filtered new-form CPC",
            {"employment_type": MemberFilter.NEW_FORM, "political_status": PoliticalStatus.CPC_MEMBER},
            {
                "employment_type__in": ",".join(new_form),
                "political_status__exact": PoliticalStatus.CPC_MEMBER,
                "o": "-6",
            },
        ),
        (
            "filtered migrant joined>=2020",
            {"migrant": "true", "joined_from": "2020-01-01"},
            {"is_migrant_worker__exact": "1", "joined_on__gte": "2020-01-01", "o": "-6"},
        ),
        ("sort name", {"sort": "name"}, {"o": "1"}),
        ("sort joined_asc", {"sort": "joined_asc"}, {"o": "6"}),
    ]
    if quick:
        lists = [entry for entry in lists if entry[0] not in ("filtered migrant joined>=2020", "sort joined_asc")]
    for key in staff_keys:
        count = setup["users"][key]["active_members"]
        # Page 200 when the scope has 10,000 active members; otherwise its last full page. The admin's
        # pages are of 100 and numbered from 1 (Django 5.2, ChangeList.page_num): its page holds the
        # portal page's rows.
        page = max(1, min(DEEP_PAGE, count // PORTAL_PAGE_SIZE))
        admin_page = (page - 1) * PORTAL_PAGE_SIZE // ADMIN_PAGE_SIZE + 1
        setup["users"][key]["deep_page"] = {"portal_page": page, "admin_p": admin_page}
        for label, params, admin_params in lists:
            if params is None:
                params, admin_params = {"page": page}, {"o": "-6", "p": admin_page}
            name = f"member list · {key} · {label}"
            run(name, key, get(with_query(members_url, params)))
            pair(name, key, with_query(admin_members, {**admin_active, **admin_params}))
    # The union filter: the city admin narrowed to the district. The admin offers no subtree filter
    # (union__path__startswith is refused as a lookup outside list_filter), so no pair.
    run(
        "member list · city · union=district",
        "city",
        get(with_query(members_url, {"union": roots["district"].pk})),
    )

    # --- search -------------------------------------------------------------------------------------
    id_number = member.reveal_id_number()
    setup["search"] = {}
    for key in ("city", "union"):
        prefix, matches = common_name_prefix(accounts[key])
        setup["search"][key] = {"name_prefix": prefix, "name_matches": matches}
        name = f"search · {key} · name prefix"
        run(name, key, get(with_query(members_url, {"q": prefix})))
        pair(name, key, with_query(admin_members, {**admin_active, "q": prefix, "o": "-6"}))
        # The admin searches names only; ID number, mobile and card have no admin equivalent.
        for label, term in (("ID number", id_number), ("mobile", member.mobile), ("card number", card.number)):
            # A number reaches the list as the posted search form leaves it: a token in the URL.
            query = {"q": term}
            if search_tokens.is_private(term):
                query = {search_tokens.SEARCH_PARAM: search_tokens.search_token_make(user=accounts[key], text=term)}
            run(f"search · {key} · {label}", key, get(with_query(members_url, query)), expect_text=member.name)

    # --- member detail ------------------------------------------------------------------------------
    detail = reverse("members:member_detail", args=[member.pk])
    for key in ("union", "city"):
        run(f"member detail · {key}", key, get(detail), expect_text=member.id_masked)

    # --- the approval queue, beside the admin ---------------------------------------------------------
    queue_url = reverse("members:application_queue")
    admin_applications = reverse("admin:members_application_changelist")
    # list_display of ApplicationAdmin: ..., submitted_at (6); o=6 is the queue's order (oldest first).
    admin_queue = {"status__exact": Application.Status.SUBMITTED, "o": "6"}
    setup["queue"] = {}
    for key in staff_keys:
        name = f"approval queue · {key} · first page"
        run(name, key, get(queue_url))
        pair(name, key, with_query(admin_applications, admin_queue))
        union_id, waiting = busiest_queue_union(accounts[key])
        setup["queue"][key] = {"union_id": union_id, "waiting": waiting}
        if union_id is not None:
            name = f"approval queue · {key} · one union"
            run(name, key, get(with_query(queue_url, {"union": union_id})))
            pair(name, key, with_query(admin_applications, {**admin_queue, "union__id__exact": union_id}))

    # --- approving one application: a different one on every request -------------------------------
    pending = iter(chosen)
    approve_client = Client()  # its own session: the success messages would otherwise show on other pages
    approve_client.force_login(accounts[approver])
    clients["approver"] = approve_client

    def next_approval():
        pk = next(pending)
        return ("post", reverse("members:application_approve", args=[pk]), {})

    def drop_messages():
        # The browser would follow the redirect to the queue, which shows and drops the message.
        approve_client.cookies.pop("messages", None)

    name = f"approve one application · {approver}"
    run(name, "approver", next_approval, before=drop_messages, redirect_to=queue_url)
    scenarios[name]["url"] = reverse("members:application_approve", args=[0]).replace("/0/", "/<pk>/")
    outcome = dict(
        Application.objects.filter(pk__in=chosen)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    # Each application made an active member of the union it was sent to.
    became_members = sum(
        1
        for application in Application.objects.filter(pk__in=chosen).select_related("member")
        if application.member is not None
        and application.member.status == active
        and application.member.union_id == application.union_id
    )
    setup["approvals"] = {
        "user": approver,
        "application_ids": chosen,
        "statuses_after": outcome,
        "active_members_made": became_members,
    }
    if outcome != {Application.Status.APPROVED: len(chosen)} or became_members != len(chosen):
        raise RuntimeError(f"approvals did not all make members: {outcome}, {became_members} active members")

    # --- the dashboard, cold and warm -----------------------------------------------------------------
    setup["dashboard"] = {}
    pages = [("page", "reports:dashboard_node")]
    if not quick:
        pages.append(("data.json", "reports:dashboard_data"))
    for key, label in (("leader", "city leader"), ("leader_district", "district leader")):
        union = roots[key]
        setup["dashboard"][key] = {"union_id": union.pk, "name": union.name}
        for page_label, route in pages:
            url = reverse(route, args=[union.pk])
            what = "dashboard" if page_label == "page" else "dashboard data.json"
            # Cold: an empty cache, so the figures are computed on every request.
            run(f"{what} · {label} · cold", key, get(url), before=cache.clear)
            # Warm: the figures from the cache (the warm-up fills it).
            run(f"{what} · {label} · warm", key, get(url))

    return {"scenarios": scenarios, "admin": admin, "setup": setup, "runs": runs, "warmup": warmup, "quick": quick}


# --- output -----------------------------------------------------------------------------------------
def table(pages: dict) -> list[str]:
    """Readable lines: every scenario, then each admin changelist beside its portal page."""

    def number(value, digits=1) -> str:
        return "—" if value is None else f"{value:,.{digits}f}"

    scenarios = pages["scenarios"]
    width = max(len(name) for name in scenarios) + 2
    head = f"{'scenario':<{width}}{'runs':>5}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}{'sql ms':>9}{'×Django':>9}"
    lines = [head, "-" * len(head)]
    for name, row in scenarios.items():
        lines.append(
            f"{name:<{width}}{row['runs']:>5}{number(row['p50_ms']):>10}{number(row['p95_ms']):>10}"
            f"{row['queries']:>9}{number(row['sql_ms']):>9}{number(row['django_overhead_ratio']):>9}"
        )
    if pages.get("admin"):
        width = max(len(name) for name in pages["admin"]) + 2
        head = (
            f"{'Django admin beside':<{width}}{'portal p50':>11}{'admin p50':>11}{'admin p95':>11}"
            f"{'queries':>9}{'admin/portal':>14}"
        )
        lines += ["", head, "-" * len(head)]
        for name, row in pages["admin"].items():
            queries = f"{row['portal_queries']}/{row['admin_queries']}"
            lines.append(
                f"{name:<{width}}{number(row['portal_p50_ms']):>11}{number(row['admin_p50_ms']):>11}"
                f"{number(row['admin_p95_ms']):>11}{queries:>9}{number(row['ratio_admin_vs_portal'], 2) + '×':>14}"
            )
    return lines
