"""Forms of the innovation studios: the studio (its leader picked in the register by name), its yearly
review, the list's filters and a level's yearly target."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import InnovationStudio, StudioReview


class StudioForm(forms.Form):
    name = forms.CharField(label=_("Studio"), max_length=100, error_messages={"required": _("Give the studio's name.")})
    leader_query = forms.CharField(label=_("Find the leader in the register by name"), max_length=50, required=False)
    leader = forms.ModelChoiceField(
        label=_("Led by"),
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("The leader must be a model worker or craftsman in the register."),
            "invalid_choice": _("The leader must be a model worker or craftsman in the register."),
        },
    )
    host_union = forms.ModelChoiceField(
        label=_("Host unit's union"),
        queryset=None,
        error_messages={
            "required": _("Choose a host union within your scope."),
            "invalid_choice": _("Choose a host union within your scope."),
        },
    )
    host_unit = forms.CharField(
        label=_("Host unit"), max_length=100, error_messages={"required": _("Give the host unit.")}
    )
    field = forms.CharField(
        label=_("Field"),
        max_length=100,
        help_text=_("e.g. CNC machining, power grid maintenance"),
        error_messages={"required": _("Give the studio's field.")},
    )
    members = forms.CharField(
        label=pgettext_lazy("studio", "Members"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Their names, separated by commas."),
    )
    member_count = forms.IntegerField(
        label=_("Number of members"),
        min_value=1,
        max_value=1000,
        error_messages={"required": _("Give the number of members: 1 to 1,000.")},
    )
    level = forms.ChoiceField(label=_("Level"), choices=InnovationStudio.Level.choices)
    recognised_year = forms.IntegerField(label=_("Recognised in"), min_value=1990, max_value=2100)
    active = forms.BooleanField(label=pgettext_lazy("studio", "Active"), required=False, initial=True)

    def __init__(self, *args, candidates, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = candidates
        self.fields["host_union"].queryset = unions
        self.fields["recognised_year"].initial = timezone.localdate().year
        self.fields["member_count"].widget.attrs["inputmode"] = "numeric"
        self.fields["recognised_year"].widget.attrs["inputmode"] = "numeric"

    def matches(self):
        """Holders whose name holds the query (at most 20), and the one picked, for the radio list."""
        queryset = self.fields["leader"].queryset
        query = (self.data.get("leader_query") or "").strip() if self.is_bound else ""
        picked = self.data.get("leader") if self.is_bound else self.initial.get("leader")
        picked = getattr(picked, "pk", picked)
        found = list(queryset.filter(holder_name__icontains=query).order_by("holder_name", "id")[:20]) if query else []
        if picked and str(picked).isdigit() and all(str(honour.pk) != str(picked) for honour in found):
            extra = queryset.filter(pk=int(picked)).first()
            if extra:
                found.insert(0, extra)
        return found


class StudioReviewForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    result = forms.ChoiceField(
        label=_("Result"),
        choices=StudioReview.Result.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the review's result.")},
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StudioFilterForm(forms.Form):
    q = forms.CharField(label=_("Studio or leader"), max_length=50, required=False)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All")), *InnovationStudio.Level.choices], required=False
    )
    year = forms.IntegerField(label=_("Recognised in"), min_value=1990, max_value=2100, required=False)
    active = forms.ChoiceField(
        label=pgettext_lazy("studio", "Active"),
        choices=[("", _("All")), ("1", pgettext_lazy("studio", "Active")), ("0", _("Inactive"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["class"] = "form-control"
        self.fields["year"].widget.attrs.update({"class": "form-control", "inputmode": "numeric"})
        for name in ("level", "active"):
            self.fields[name].widget.attrs["class"] = "form-select"


class TargetForm(forms.Form):
    node = forms.ModelChoiceField(
        label=_("Federation"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose a federation within your scope.")},
    )
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    level = forms.ChoiceField(label=_("Level"), choices=InnovationStudio.Level.choices)
    count = forms.IntegerField(label=_("Target"), min_value=0, max_value=10000)

    def __init__(self, *args, nodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes
        if len(nodes) == 1:
            self.fields["node"].initial = nodes[0]
        self.fields["year"].initial = timezone.localdate().year
        self.fields["level"].initial = InnovationStudio.Level.CITY
