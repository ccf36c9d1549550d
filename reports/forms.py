from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unions.models import Union

from .models import Report
from .selectors import unions_for_monthly, unions_for_roster
from .statistics import previous_month


class UnionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Union) -> str:
        return "\u3000" * max(obj.depth - 1, 0) + obj.name


class ReportRequestForm(forms.Form):
    """Kind, node and month of a staff report; the node list holds only the user's own subtree.

    The month is for the monthly report only; the dashboard (posted from the dashboard page with its
    node) and the roster need none.
    """

    kind = forms.ChoiceField(
        label=_("Report"), choices=[(k, label) for k, label in Report.Kind.choices if k != Report.Kind.MEMBER_CARD]
    )
    union = UnionChoiceField(label=_("Union"), queryset=Union.objects.none())
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("For the monthly report: year and month, e.g. 2026-10."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = previous_month(timezone.localdate())
        monthly, roster = unions_for_monthly(user), unions_for_roster(user)
        self.fields["union"].queryset = (monthly | roster).distinct().order_by("path")
        # The top of the user's own part of the tree is the usual choice (a leader's district).
        self.fields["union"].initial = self.fields["union"].queryset.first()
        kinds = []
        if monthly.exists():
            kinds += [Report.Kind.MONTHLY_MEMBERSHIP, Report.Kind.DASHBOARD]
        if roster.exists():
            kinds.append(Report.Kind.ROSTER)
        self.fields["kind"].choices = [(k, label) for k, label in Report.Kind.choices if k in kinds]
