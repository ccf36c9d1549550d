"""Forms of the entries part: entering a union, refusing an entry, filtering the organiser's list and
handing in a stage report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Member

from ..models import Entry, Stage
from ..services.entries import accepted_kinds
from ..services.stage_reports import ACCEPT, SUMMARY_MAX


class EntryForm(forms.Form):
    union = forms.ModelChoiceField(
        label=_("Entering union"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose the entering union."),
            "invalid_choice": _("Choose a union you may enter into this competition."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Entering as"), widget=forms.RadioSelect, error_messages={"required": _("Choose how the union enters.")}
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    unit_name = forms.CharField(label=_("Unit"), max_length=100, required=False)
    team_leader = forms.CharField(label=_("Team leader"), max_length=50, required=False)
    team_size = forms.IntegerField(label=_("Team size"), min_value=1, max_value=100000, required=False)
    member_query = forms.CharField(label=_("Find a member by name"), max_length=50, required=False)
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pick a member of one of your unions.")},
    )
    person_times = forms.IntegerField(
        label=_("Person-times"),
        min_value=1,
        max_value=10000000,
        initial=1,
        help_text=_("How many person-times took part, e.g. a team of 12 in four rounds is 48."),
        error_messages={"required": _("Give the person-times: at least 1.")},
    )

    def __init__(self, *args, competition, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        if len(unions) == 1:
            self.fields["union"].initial = unions[0]
        choices = [(kind, Entry.Kind(kind).label) for kind in accepted_kinds(competition)]
        self.fields["kind"].choices = choices
        if len(choices) == 1:
            self.fields["kind"].initial = choices[0][0]
        self.fields["member"].queryset = Member.objects.filter(union__in=unions, status=Member.Status.ACTIVE)

    def matches(self) -> list[Member]:
        """The active members of the chosen union whose name holds the query (at most 20), and the one
        picked, for the radio list."""
        union_id = self.data.get("union") if self.is_bound else self.fields["union"].initial
        union_id = getattr(union_id, "pk", union_id)
        query = (self.data.get("member_query") or "").strip() if self.is_bound else ""
        picked = self.data.get("member") if self.is_bound else None
        found = []
        if union_id and query:
            try:
                found = list(
                    self.fields["member"]
                    .queryset.filter(union_id=int(union_id), name__icontains=query)
                    .only("id", "name", "employer_name", "union_id")
                    .order_by("name", "id")[:20]
                )
            except (TypeError, ValueError):
                found = []
        if picked and str(picked).isdigit() and all(str(m.pk) != str(picked) for m in found):
            extra = self.fields["member"].queryset.filter(pk=int(picked)).only("id", "name", "employer_name").first()
            if extra:
                found.insert(0, extra)
        return found


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusing"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for refusing.")},
    )


class EntryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + Entry.Status.choices, required=False)
    kind = forms.ChoiceField(label=_("Entering as"), choices=[("", _("All"))] + Entry.Kind.choices, required=False)
    union = forms.ModelChoiceField(label=_("Union"), queryset=None, required=False, empty_label=_("All"))

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class StageReportForm(forms.Form):
    stage = forms.ModelChoiceField(
        label=_("Stage"),
        queryset=Stage.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the stage."),
            "invalid_choice": _("Choose a stage whose report is not handed in yet."),
        },
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the stage's summary.")},
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("PDF, Word, Excel, JPG or PNG; at most 10 files of 20 MB each."),
    )

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages


class AddFilesForm(forms.Form):
    files = MultipleFileField(
        label=_("Add files"),
        help_text=_("PDF, Word, Excel, JPG or PNG; at most 10 files of 20 MB each."),
        error_messages={"required": _("Choose at least one file to add.")},
    )
