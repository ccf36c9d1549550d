"""Cadre profiles in from a sheet: each row creates a cadre, or updates the one with its mobile.

``evaluate`` reads every row (cells cleaned by the member roster's cleaning, the cadre's own
choices by ``columns``), finds its node under the node imported into (by name or credit code: a node
elsewhere is a row error, whatever the file says), and classifies it against the cadres recorded now
with a fixed number of queries: new, updated, unchanged or error. ``write`` writes the new and
updated rows in bulk. Blank cells never erase what is recorded.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from members.names import comparable_name
from members.roster import cleaning
from members.roster.cleaning import CellError
from unions.models import Union

from ..models import Cadre
from .columns import PROFILE_COLUMNS, cadre_choice_of, labels
from .reading import Sheet

BATCH = 1000
# Read while the officer waits: a node's cadres, a few thousand at most.
MAX_ROWS = 5000
MIN_AGE, MAX_AGE = 18, 70
FIELDS = (
    "name",
    "sex",
    "birth_date",
    "union",
    "post",
    "rank",
    "employment",
    "political_status",
    "education",
    "in_post_since",
    "status",
)
# What a new cadre must have; the status defaults to in post, the node to the one imported into.
REQUIRED_NEW = ("sex", "birth_date", "post", "rank", "employment", "political_status", "education", "in_post_since")

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"


@dataclass
class Row:
    number: int
    name: str = ""
    mobile: str = ""
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    outcome: str = ""
    cadre_id: int | None = None
    changed: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "；".join(self.errors)


@dataclass
class Evaluation:
    rows: list[Row]
    notices: list[str]
    counts: Counter


class _Nodes:
    """The nodes under the one imported into, found by name or credit code."""

    def __init__(self, target: Union):
        self.target = target
        self.by_code, self.by_name, self.closed = {}, defaultdict(list), set()
        for pk, name, code, closed_on in Union.objects.filter(path__startswith=target.path).values_list(
            "pk", "name", "credit_code", "closed_on"
        ):
            if closed_on is not None:
                self.closed.add(pk)
            if code:
                self.by_code[code.upper()] = pk
            self.by_name[cleaning.text(name)].append(pk)

    def find(self, value) -> int | None:
        raw = cleaning.text(value)
        if not raw:
            return None
        pk = self.by_code.get(raw.upper().replace(" ", ""))
        if pk is None:
            found = self.by_name.get(raw, [])
            if len(found) > 1:
                raise CellError(_("Several nodes are named “%(name)s”: give the credit code instead.") % {"name": raw})
            pk = found[0] if found else None
        if pk is None:
            raise CellError(
                _("No node “%(name)s” under %(node)s: check the name or credit code.")
                % {"name": raw, "node": self.target.name}
            )
        if pk in self.closed:
            raise CellError(_("The node “%(name)s” is closed.") % {"name": raw})
        return pk


def _clean(number: int, cells: list, positions: dict, nodes: _Nodes, today: datetime.date, label: dict) -> Row:
    row = Row(number=number)

    def cell(key):
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def given(key) -> bool:
        value = cell(key)
        return key in positions and not (value is None or cleaning.text(value) == "")

    def read(key, reader):
        try:
            return reader(cell(key))
        except CellError as exc:
            row.errors.append(str(exc))
            return None

    row.name = read("name", cleaning.name_of) or cleaning.text(cell("name"))[:50]
    row.mobile = read("mobile", cleaning.mobile_of) or ""
    values = {"name": row.name} if row.name and not row.errors else {}
    if given("sex"):
        values["sex"] = read("sex", lambda v: cleaning.choice_of(v, "sex", label["sex"]))
    for key in ("political_status", "education"):
        if given(key):
            values[key] = read(key, lambda v, key=key: cleaning.choice_of(v, key, label[key]))
    for key in ("rank", "employment", "status"):
        if given(key):
            values[key] = read(key, lambda v, key=key: cadre_choice_of(v, key, label[key]))
    if given("post"):
        values["post"] = read("post", lambda v: cleaning.short_text(v, limit=100, label=label["post"]))
    for key in ("birth_date", "in_post_since"):
        if given(key):
            values[key] = read(key, lambda v, key=key: cleaning.date_of(v, label[key], today=today))
    if given("union"):
        values["union"] = read("union", nodes.find)
    birth = values.get("birth_date")
    if birth is not None:
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        if not MIN_AGE <= age <= MAX_AGE:
            row.errors.append(
                _("The birth date %(date)s makes the cadre %(age)d years old; a cadre is %(min)d to %(max)d.")
                % {"date": birth.isoformat(), "age": age, "min": MIN_AGE, "max": MAX_AGE}
            )
    since = values.get("in_post_since")
    if birth is not None and since is not None and since <= birth:
        row.errors.append(_("The date in post is before the birth date."))
    row.values = {key: value for key, value in values.items() if value is not None}
    return row


def evaluate(sheet: Sheet, target: Union, *, manages) -> Evaluation:
    """Every row read and classified. ``manages(path)`` says whether the importer may change a cadre
    serving at that node: a cadre found by mobile outside it is a row error, never changed."""
    headers = sheet.headers
    notices = []
    if headers.ignored:
        notices.append(
            _("These columns were not recognised and were ignored: %(names)s.") % {"names": "、".join(headers.ignored)}
        )
    if headers.duplicated:
        notices.append(
            _("These columns repeat an earlier column and were ignored: %(names)s.")
            % {"names": "、".join(headers.duplicated)}
        )
    nodes = _Nodes(target)
    today = timezone.localdate()
    label = labels(PROFILE_COLUMNS)
    rows = [_clean(number, cells, headers.positions, nodes, today, label) for number, cells in sheet.rows()]

    first_seen: dict[str, int] = {}
    for row in rows:
        if not row.mobile:
            continue
        if row.mobile in first_seen:
            row.errors.append(_("The same mobile number is already on row %(n)d.") % {"n": first_seen[row.mobile]})
        else:
            first_seen[row.mobile] = row.number

    existing = {}
    mobiles = list(first_seen)
    for start in range(0, len(mobiles), 5000):
        for record in Cadre.objects.filter(mobile__in=mobiles[start : start + 5000]).values(
            "pk", "mobile", "union__path", *[f if f != "union" else "union_id" for f in FIELDS]
        ):
            record["union"] = record.pop("union_id")
            existing[record["mobile"]] = record
    for row in rows:
        _classify(row, existing.get(row.mobile), target, manages, label)
    return Evaluation(rows=rows, notices=notices, counts=Counter(row.outcome for row in rows))


def _classify(row: Row, found: dict | None, target: Union, manages, label: dict) -> None:
    if not row.errors and found is not None and not manages(found["union__path"]):
        row.errors.append(
            _("This mobile number belongs to a cadre you do not manage: the cadre cannot be changed from here.")
        )
    if row.errors:
        row.outcome = ERROR
        return
    if found is None:
        missing = [label[key] for key in REQUIRED_NEW if key not in row.values]
        if missing:
            row.errors.append(_("A new cadre needs: %(names)s.") % {"names": "、".join(missing)})
            row.outcome = ERROR
            return
        row.values.setdefault("union", target.pk)
        row.values.setdefault("status", Cadre.Status.IN_POST.value)
        row.outcome = NEW
        return
    if comparable_name(row.name) != comparable_name(found["name"]):
        # A mistyped mobile must not rename somebody else: a name is changed on the cadre's page.
        row.errors.append(
            _("This mobile number is recorded for %(name)s: check the number, or change the name on the cadre's page.")
            % {"name": found["name"]}
        )
        row.outcome = ERROR
        return
    row.cadre_id = found["pk"]
    birth = row.values.get("birth_date", found["birth_date"])
    since = row.values.get("in_post_since", found["in_post_since"])
    if since <= birth:
        row.errors.append(_("The date in post is before the birth date."))
        row.outcome = ERROR
        return
    row.changed = [key for key in FIELDS if key in row.values and row.values[key] != found[key]]
    row.outcome = UPDATED if row.changed else UNCHANGED


def write(rows: list[Row], *, by) -> tuple[int, int]:
    """Create the new cadres and update the changed ones, in bulk; (created, updated)."""
    now, today = timezone.now(), timezone.localdate()
    new = [row for row in rows if row.outcome == NEW]
    Cadre.objects.bulk_create(
        [
            Cadre(
                mobile=row.mobile,
                union_id=row.values["union"],
                status_changed_on=None if row.values["status"] == Cadre.Status.IN_POST else today,
                created_at=now,
                **{key: value for key, value in row.values.items() if key != "union"},
            )
            for row in new
        ],
        batch_size=BATCH,
    )
    updated = [row for row in rows if row.outcome == UPDATED]
    by_fields = defaultdict(list)
    for row in updated:
        values = {("union_id" if key == "union" else key): row.values[key] for key in row.changed}
        fields = list(row.changed)
        if "status" in row.changed:
            values["status_changed_on"] = today
            fields.append("status_changed_on")
        by_fields[tuple(fields)].append(Cadre(pk=row.cadre_id, updated_at=now, **values))
    for fields, cadres in by_fields.items():
        Cadre.objects.bulk_update(cadres, [*fields, "updated_at"], batch_size=BATCH)
    return len(new), len(updated)
