"""Forms of the ledger pages: hours rules, the ledger's node and year, external training (补录)."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.widgets import LongSelect
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS

from ..models import Cadre, ExternalTraining, HoursRule, TrainingMode
from ..services.ledger import certificate_type

CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
LEDGER_FIRST_YEAR = 2000


class HoursRuleForm(forms.ModelForm):
    class Meta:
        model = HoursRule
        fields = ["rank", "starts_year", "hours", "period_years", "online_cap_percent"]
        help_texts = {
            "starts_year": _("The rule is in force from this year until a later rule for the rank starts."),
            "hours": _("Credit hours owed within the period."),
            "period_years": _("1: every year; 5: every rolling five years ending with the year."),
            "online_cap_percent": _("At most this share of the hours owed may be done online. Empty: no cap."),
        }


class LedgerFilterForm(forms.Form):
    """The ledger's node (in the user's scope), year and whether to list only the cadres short."""

    union = forms.ModelChoiceField(label=_("Node"), queryset=Union.objects.none(), required=False, widget=LongSelect)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    short = forms.BooleanField(label=_("Short only"), required=False)

    def __init__(self, data=None, *, scope_unions, roots: list[str], **kwargs):
        super().__init__(data, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(year, str(year)) for year in range(this_year, LEDGER_FIRST_YEAR - 1, -1)]
        field = self.fields["union"]
        field.queryset = scope_unions
        chosen = _int_or_none((data or {}).get("union"))
        # Any node in scope is accepted; the list offers the federations and the top of the scope.
        offered = list(
            scope_unions.filter(Q(kind__in=FEDERATION_NODE_KINDS) | Q(path__in=roots) | Q(pk=chosen))
            .order_by("path")
            .only("pk", "name", "depth")
        )
        top = min((union.depth for union in offered), default=1)
        field.widget.choices = [(union.pk, "\u3000" * (union.depth - top) + union.name) for union in offered]
        self.top = offered[0] if offered else None

    def choice(self) -> tuple[Union | None, int, bool]:
        this_year = timezone.localdate().year
        if not self.is_valid():
            return self.top, this_year, False
        data = self.cleaned_data
        return data.get("union") or self.top, data.get("year") or this_year, bool(data.get("short"))


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CloseYearForm(forms.Form):
    year = forms.IntegerField(min_value=LEDGER_FIRST_YEAR, max_value=2100)


def check_certificate(upload) -> None:
    if upload.size > CERTIFICATE_MAX_BYTES:
        raise forms.ValidationError(
            _("The certificate is %(size)s MB; files up to %(limit)s MB are accepted.")
            % {"size": f"{upload.size / 1048576:.3g}", "limit": CERTIFICATE_MAX_BYTES // 1048576}
        )
    if upload.size == 0:
        raise forms.ValidationError(_("The file is empty."))
    if certificate_type(upload) is None:
        raise forms.ValidationError(_("Upload the certificate as a PDF file or a JPG or PNG picture."))


class ExternalTrainingForm(forms.Form):
    """Training taken elsewhere, with its certificate. The rules (hours, dates, a closed year) are the
    service's; the form checks the file."""

    title = forms.CharField(label=_("Training"), max_length=200)
    provider = forms.CharField(label=pgettext_lazy("training", "Organised by"), max_length=200)
    mode = forms.ChoiceField(label=_("Mode"), choices=TrainingMode.choices, initial=TrainingMode.IN_PERSON)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    hours = forms.DecimalField(
        label=_("Credit hours"),
        max_digits=5,
        decimal_places=1,
        required=False,
        help_text=_("As on the certificate."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )
    certificate = forms.FileField(
        label=_("Certificate"),
        help_text=_("A PDF file or a JPG or PNG picture, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    field_order = ["cadre", "title", "provider", "mode", "starts_on", "ends_on", "hours", "certificate"]

    def clean_certificate(self):
        upload = self.cleaned_data["certificate"]
        check_certificate(upload)
        return upload

    def clean_hours(self):
        hours = self.cleaned_data.get("hours")
        if hours is None or hours <= 0:
            raise forms.ValidationError(_("Give the credit hours on the certificate: more than 0."))
        return hours

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The training cannot end before it starts."))
        return data

    @classmethod
    def again(cls, training: ExternalTraining) -> dict:
        """The fields of a returned filing, to file it again corrected."""
        return {
            "title": training.title,
            "provider": training.provider,
            "mode": training.mode,
            "starts_on": training.starts_on,
            "ends_on": training.ends_on,
            "hours": training.hours,
        }


class OfficerExternalTrainingForm(ExternalTrainingForm):
    cadre = forms.ModelChoiceField(
        label=_("Cadre"),
        queryset=Cadre.objects.none(),
        empty_label=_("Choose a cadre"),
        widget=LongSelect,
        error_messages={"invalid_choice": _("Choose a cadre in post in your part of the tree.")},
    )

    def __init__(self, *args, cadres, offered, **kwargs):
        """``cadres``: every cadre that may be chosen; ``offered``: those the list shows (a city has
        thousands: the page finds them by name first)."""
        super().__init__(*args, **kwargs)
        field = self.fields["cadre"]
        field.queryset = cadres
        field.widget.choices = [("", field.empty_label)] + [
            (cadre.pk, f"{cadre.name}（{cadre.union.name}）") for cadre in offered
        ]


class CadreSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the cadre by name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The cadre reads it and may file the training again."),
    )


EXTERNAL_SCOPES = [("waiting", _("Waiting for my approval")), ("all", _("All in my part of the tree"))]


class ExternalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ExternalTraining.Status.choices], required=False
    )
    name = forms.CharField(label=_("Cadre's name"), max_length=50, required=False)

    def filter(self, trainings):
        if not self.is_valid():
            return trainings
        if status := self.cleaned_data.get("status"):
            trainings = trainings.filter(status=status)
        if name := self.cleaned_data.get("name", "").strip():
            trainings = trainings.filter(cadre__name__startswith=name)
        return trainings
