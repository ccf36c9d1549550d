"""Forms of the secondment, stay and task-force pages: the records, the state steps, the report.

A cadre is picked by searching their name (``CadrePicker``): a city has thousands of cadres, too many
for one drop-down. The choices offered are the matches of the search; any cadre in the user's scope
is accepted, so a link from a cadre's page may name one (``?cadre=``).
"""

import zipfile

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.widgets import LongSelect
from unions.credit_code import normalise as normalise_credit_code
from unions.credit_code import validate_credit_code
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS
from unions.scope import scope_paths, subtree_q

from ..models import Cadre, HostKind, PostingGrade
from ..permissions import CADRE_STAFF_KINDS
from ..selectors import cadres_visible_to

# The search offers this many cadres; a longer list means the name typed is too short.
PICKER_LIMIT = 20
REPORT_MAX_BYTES = 20 * 1024 * 1024
REPORT_FILES = ".pdf,.docx,.doc"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CadrePicker:
    """Mixin: a ``field_name`` radio list of the cadres in scope whose name contains ``search``."""

    def setup_picker(self, user, field_name: str, *, search: str = "", label=None, selected=None) -> None:
        in_scope = cadres_visible_to(user).filter(status=Cadre.Status.IN_POST)
        field = self.fields[field_name]
        field.queryset = in_scope
        search = (search or "").strip()[:50]
        chosen = _pk(selected if selected is not None else self.data.get(self.add_prefix(field_name)))
        found = in_scope.filter(name__contains=search) if search else in_scope.none()
        rows = list(found.order_by("name", "id")[: PICKER_LIMIT + 1])
        self.picker_more = len(rows) > PICKER_LIMIT
        rows = rows[:PICKER_LIMIT]
        if chosen and all(row.pk != chosen for row in rows):
            rows[:0] = list(in_scope.filter(pk=chosen))
        self.picker_search = search
        self.picker_found = bool(rows)
        field.choices = [(row.pk, f"{row.name} · {row.union.name} · {row.post}") for row in rows]
        if chosen and any(row.pk == chosen for row in rows):
            field.initial = chosen


def _cadre_field(label):
    return forms.ModelChoiceField(
        label=label,
        queryset=Cadre.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Search for the cadre by name and choose one."),
            "invalid_choice": _("Choose a cadre in post in your part of the tree."),
        },
    )


def _units_in_scope(user, *, federations_only: bool = False):
    roots = scope_paths(user, CADRE_STAFF_KINDS)
    units = Union.objects.filter(subtree_q(roots), closed_on__isnull=True)
    if federations_only:
        units = units.filter(Q(path__in=roots) | Q(kind__in=FEDERATION_NODE_KINDS))
    return units.order_by("path")


def _unit_choices(units) -> list[tuple]:
    rows = list(units.only("pk", "name", "depth"))
    top = min((row.depth for row in rows), default=1)
    # Indented by depth so that the tree shows; the ideographic space survives HTML whitespace rules.
    return [(row.pk, "\u3000" * (row.depth - top) + row.name) for row in rows]


class SecondmentForm(CadrePicker, forms.Form):
    cadre = _cadre_field(_("Cadre"))
    host_name = forms.CharField(
        label=pgettext_lazy("secondment", "Host"), max_length=200, help_text=_("The enterprise, park or institution.")
    )
    host_kind = forms.ChoiceField(label=_("Kind of host"), choices=HostKind.choices)
    host_credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        required=False,
        help_text=_("The host's 18-character code, where it has one."),
    )
    post_at_host = forms.CharField(label=_("Post at the host"), max_length=100)
    project = forms.CharField(label=_("Project"), max_length=200, required=False)
    planned_start = forms.DateField(label=_("Planned start"), widget=DATE)
    planned_end = forms.DateField(label=_("Planned end"), widget=DATE)
    report_due_on = forms.DateField(
        label=_("Report due on"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty: 30 days after the planned end."),
    )

    def __init__(self, *args, user, search: str = "", selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_picker(user, "cadre", search=search, selected=selected)

    def clean_host_credit_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data.get("host_credit_code", ""))
        if code:
            validate_credit_code(code)
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end cannot be before the start."))
        due = data.get("report_due_on")
        if due and end and due < end:
            self.add_error("report_due_on", _("The report cannot be due before the secondment ends."))
        return data


class StayForm(CadrePicker, forms.Form):
    cadre = _cadre_field(_("Cadre"))
    union = forms.ModelChoiceField(
        label=_("Unit of the tree"),
        queryset=Union.objects.none(),
        required=False,
        widget=LongSelect,
        empty_label=_("— an employer named below —"),
        error_messages={"invalid_choice": _("Choose a unit in your part of the tree.")},
    )
    employer_name = forms.CharField(
        label=_("Or an employer"), max_length=200, required=False, help_text=_("Where the unit is not in the tree.")
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    report_due_on = forms.DateField(
        label=_("Report due on"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty: 30 days after the end."),
    )

    def __init__(self, *args, user, search: str = "", selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_picker(user, "cadre", search=search, selected=selected)
        units = _units_in_scope(user)
        self.fields["union"].queryset = units
        self.fields["union"].widget.choices = [("", self.fields["union"].empty_label), *_unit_choices(units)]

    def clean(self):
        data = super().clean()
        if not self.errors.get("union") and (data.get("union") is None) == (not data.get("employer_name", "").strip()):
            self.add_error("employer_name", _("Choose a unit of the tree or name an employer, not both."))
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end cannot be before the start."))
        due = data.get("report_due_on")
        if due and end and due < end:
            self.add_error("report_due_on", _("The report cannot be due before the stay ends."))
        return data


class DayForm(forms.Form):
    on = forms.DateField(
        label=_("Date"),
        widget=DATE,
        error_messages={"required": _("Give the date."), "invalid": _("Give the date as YYYY-MM-DD.")},
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        if label:
            self.fields["on"].label = label


class GradeForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=PostingGrade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the grade.")},
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


def validate_report_file(upload) -> None:
    """A PDF or Word file, told by its content rather than its name, at most 20 MB."""
    if upload.size > REPORT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if suffix == "pdf" and head.startswith(b"%PDF-"):
        return
    if suffix == "doc" and head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return
    if suffix == "docx" and head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                if "word/document.xml" in archive.namelist():
                    return
        except zipfile.BadZipFile:
            pass
        finally:
            upload.seek(0)
    raise ValidationError(_("Upload the report as a PDF or Word file (.pdf, .docx, .doc)."), code="file_type")


class ReportForm(forms.Form):
    title = forms.CharField(
        label=_("Report title"), max_length=200, error_messages={"required": _("Give the report's title.")}
    )
    file = forms.FileField(
        label=_("Report file"),
        help_text=_("PDF or Word, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": REPORT_FILES}),
        validators=[validate_report_file],
        error_messages={"required": _("Attach the report file."), "empty": _("The file is empty.")},
    )

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        if record is not None and record.report_file:
            # A report already handed in: a new title alone keeps its file.
            self.fields["file"].required = False
            self.fields["title"].initial = record.report_title


class TaskForceForm(CadrePicker, forms.Form):
    organiser = forms.ModelChoiceField(
        label=pgettext_lazy("task force", "Organised by"),
        queryset=Union.objects.none(),
        widget=LongSelect,
        error_messages={
            "required": _("Choose the organising node."),
            "invalid_choice": _("Choose a node in your part of the tree."),
        },
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    purpose = forms.CharField(label=pgettext_lazy("task force", "Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    lead = _cadre_field(pgettext_lazy("task force", "Lead"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)

    def __init__(self, *args, user, search: str = "", selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_picker(user, "lead", search=search, selected=selected)
        units = _units_in_scope(user, federations_only=True)
        self.fields["organiser"].queryset = units
        choices = _unit_choices(units)
        self.fields["organiser"].widget.choices = choices
        if choices:
            self.fields["organiser"].initial = choices[0][0]

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return data


class MemberAddForm(CadrePicker, forms.Form):
    cadre = _cadre_field(_("Cadre"))
    duty = forms.CharField(label=_("Duty in the force"), max_length=100, required=False)
    joined_on = forms.DateField(
        label=_("Joined on"), widget=DATE, required=False, help_text=_("Leave empty: today, or the start.")
    )

    def __init__(self, *args, user, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_picker(user, "cadre", search=search)


class MemberAssessForm(GradeForm):
    member = forms.IntegerField(widget=forms.HiddenInput)
