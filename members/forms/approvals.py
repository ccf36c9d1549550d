"""Forms of the approval pages: the queue's filter, bulk approval, and the decisions on one application."""

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from unions.models import Union

from ..models import Application
from ..widgets import LongSelect


def union_label(union: Union) -> str:
    return union.name


class QueueFilterForm(forms.Form):
    """Narrow the queue to one union or one federation's subtree.

    A clerk's queue waits at a handful of unions, and those are offered. A city's queue may wait at
    thousands, too many for one drop-down: beyond ``UNIONS_OFFERED_MAX`` the federations of the
    user's scope (district, industry, street) are offered instead. Any union with applications
    waiting is still accepted, so a link naming one keeps working.
    """

    UNIONS_OFFERED_MAX = 100

    union = forms.ModelChoiceField(
        label=_("Union"),
        queryset=Union.objects.none(),
        required=False,
        empty_label=_("All unions"),
        error_messages={"invalid_choice": _("No application is waiting at this union.")},
        widget=LongSelect,
    )

    def __init__(self, *args, queue=None, federations=None, long_queue: bool = False, **kwargs):
        """``queue``: the applications the user may decide; ``federations``: the federation nodes of
        their scope; ``long_queue``: too many waiting to list their unions cheaply."""
        super().__init__(*args, **kwargs)
        field = self.fields["union"]
        if queue is None:
            return
        federations = federations if federations is not None else Union.objects.none()
        # Checked for the one union asked for (an EXISTS by index), never over the whole queue.
        waiting_here = queue.order_by().filter(union=OuterRef("pk"))
        field.queryset = Union.objects.filter(Exists(waiting_here)) | federations
        waiting = Union.objects.filter(pk__in=queue.order_by().values("union_id"))
        offered = [] if long_queue else list(waiting.order_by("name")[: self.UNIONS_OFFERED_MAX + 1])
        if long_queue or len(offered) > self.UNIONS_OFFERED_MAX:
            nodes = list(federations.order_by("path").only("pk", "name", "depth"))
            top = min((node.depth for node in nodes), default=1)
            # Indented by depth, as in the member list: a street shows under its district.
            offered_choices = [(node.pk, "\u3000" * (node.depth - top) + node.name) for node in nodes]
        else:
            offered_choices = [(union.pk, union_label(union)) for union in offered]
        field.widget.choices = [("", field.empty_label), *offered_choices]

    def filter(self, queue):
        if not self.is_valid() or self.cleaned_data.get("union") is None:
            return queue
        chosen = self.cleaned_data["union"]
        if chosen.holds_members:  # nothing below it: by id, in the (union, status, submitted_at) index's order
            return queue.filter(union=chosen)
        return queue.filter(union__path__startswith=chosen.path)


class BulkApproveForm(forms.Form):
    """The ticked applications. The choices are those the user may see, so a forged id is refused whole."""

    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(),
        error_messages={
            "required": _("Tick the applications to approve."),
            "invalid_choice": _("One of the ticked applications cannot be found. Nothing was approved."),
            "invalid_pk_value": _("One of the ticked applications cannot be found. Nothing was approved."),
        },
    )

    def __init__(self, *args, applications=None, **kwargs):
        super().__init__(*args, **kwargs)
        if applications is not None:
            self.fields["applications"].queryset = applications


class ApproveForm(forms.Form):
    """Approval. An application to a federation names the grassroots or joint union the member joins."""

    union = forms.ModelChoiceField(
        label=_("Union the new member joins"),
        queryset=Union.objects.none(),
        required=False,
        help_text=_("This application went to a federation: choose the grassroots or joint union below it."),
        error_messages={"invalid_choice": _("Choose an open grassroots or joint union below this one.")},
    )

    def __init__(self, *args, application: Application, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_union = not application.union.holds_members
        if self.needs_union:
            self.fields["union"].required = True
            self.fields["union"].queryset = targets if targets is not None else Union.objects.none()
            self.fields["union"].label_from_instance = union_label
            self.fields["union"].empty_label = _("Choose a union")
        else:
            del self.fields["union"]

    def target(self) -> Union | None:
        return self.cleaned_data.get("union") if self.needs_union else None


class ReasonForm(forms.Form):
    """Rejecting, asking for a correction, declining: the worker (and the other union) read the reason."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The worker will read this. Be specific and polite."),
        error_messages={"required": _("Give the reason: the worker will see it.")},
    )

    def __init__(self, *args, help_text=None, required_message=None, **kwargs):
        super().__init__(*args, **kwargs)
        if help_text is not None:
            self.fields["reason"].help_text = help_text
        if required_message is not None:
            self.fields["reason"].error_messages["required"] = required_message
