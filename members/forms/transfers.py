"""Forms of the staff transfer pages: the list's filter, a request, acceptance and a decline."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Union

from .. import id_number
from ..models import Transfer
from .approvals import ReasonForm, union_label

DIRECTIONS = [
    ("all", _("All")),
    ("in", _("Incoming")),
    ("out", _("Outgoing")),
]


class TransferFilterForm(forms.Form):
    """Which transfers to list: the state (open ones unless asked otherwise). The direction comes from
    the tabs (``direction``: "all", "in" or "out") and is kept by the form as a hidden value."""

    status = forms.ChoiceField(
        label=_("State"),
        choices=[
            ("open", pgettext_lazy("transfer state", "Open (requested or released)")),
            *Transfer.Status.choices,
            ("all", _("All states")),
        ],
        required=False,
    )

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        direction = data.get("direction")
        self.direction = direction if direction in dict(DIRECTIONS) else "all"
        super().__init__(data, **kwargs)

    def filter(self, transfers):
        status = self.cleaned_data.get("status") if self.is_valid() else "open"
        if status in ("open", ""):
            return transfers.filter(status__in=Transfer.OPEN_STATUSES)
        if status == "all":
            return transfers
        return transfers.filter(status=status)


class TransferRequestForm(forms.Form):
    """Staff of the receiving union name the person by ID number and name; both must match a member."""

    to_union = forms.ModelChoiceField(
        label=_("Receiving union"),
        queryset=Union.objects.none(),
        empty_label=_("Choose a union"),
        help_text=_("The union in your part of the tree that the member moves to."),
        error_messages={"invalid_choice": _("Choose an open grassroots or joint union in your part of the tree.")},
    )
    number = forms.CharField(
        label=_("Resident ID number"),
        max_length=40,
        help_text=_("18 characters, as on the person's ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}),
    )
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, help_text=_("As on the ID card."))

    def __init__(self, *args, unions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unions is not None:
            self.fields["to_union"].queryset = unions
        self.fields["to_union"].label_from_instance = union_label

    def clean_number(self) -> id_number.IdNumber:
        try:
            return id_number.parse(self.cleaned_data["number"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


class AcceptForm(forms.Form):
    """Acceptance. A transfer to a federation names the grassroots or joint union the member joins."""

    union = forms.ModelChoiceField(
        label=_("Union the member joins"),
        queryset=Union.objects.none(),
        empty_label=_("Choose a union"),
        help_text=_("This transfer goes to a federation: choose the grassroots or joint union below it."),
        error_messages={"invalid_choice": _("Choose an open grassroots or joint union below the receiving union.")},
    )

    def __init__(self, *args, transfer: Transfer, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_union = not transfer.to_union.holds_members
        if self.needs_union:
            self.fields["union"].queryset = targets if targets is not None else Union.objects.none()
            self.fields["union"].label_from_instance = union_label
        else:
            del self.fields["union"]

    def target(self) -> Union | None:
        return self.cleaned_data.get("union") if self.needs_union else None


def decline_form(*args, **kwargs) -> ReasonForm:
    return ReasonForm(
        *args,
        help_text=_("The member and the other union will read this."),
        required_message=_("Give the reason: the member and the other union will see it."),
        **kwargs,
    )
