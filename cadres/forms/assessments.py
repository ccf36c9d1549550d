"""Forms of the yearly assessment pages: opening a round, the self-report, the grade."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.widgets import LongSelect
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS
from unions.scope import scope_paths, subtree_q

from ..models import AssessmentGrade
from ..permissions import CADRE_STAFF_KINDS
from ..services.assessments import COMMENT_MAX_LENGTH, SELF_REPORT_MAX_LENGTH


class RoundForm(forms.Form):
    """The node (a federation in the officer's scope), the year and the self-reports' due date."""

    union = forms.ModelChoiceField(
        label=_("Node"),
        queryset=Union.objects.none(),
        widget=LongSelect,
        help_text=_("Every cadre in post at this node or below it is assessed, each in the unit they serve at today."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    self_report_due = forms.DateField(
        label=_("Self-reports due"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = (
            Union.objects.filter(subtree_q(scope_paths(user, CADRE_STAFF_KINDS)))
            .filter(kind__in=FEDERATION_NODE_KINDS, closed_on__isnull=True)
            .order_by("path")
        )
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["self_report_due"].initial = today + datetime.timedelta(days=30)


class SelfReportForm(forms.Form):
    self_report = forms.CharField(
        label=_("My self-report"),
        max_length=SELF_REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Your work of the year: duties, results, training, shortcomings and plans."),
    )


class EvaluateForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=AssessmentGrade.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Assessor's comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed for Basically competent and Incompetent. The cadre never sees it."),
    )
