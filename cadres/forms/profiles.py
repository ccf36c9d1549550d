"""Forms of the cadre profile pages. The rules live in ``cadres.services.profiles``; the forms parse,
offer only nodes of the officer's own subtree, and show the services' messages beside the fields."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.phone import MOBILE_RE, MobileField, normalise_mobile
from members.widgets import LongSelect
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS
from unions.scope import scope_paths, subtree_q

from ..filters.profiles import STATUS_LABELS
from ..models import Cadre, CadreSettings, PoliticalReview, Rank
from ..permissions import CADRE_STAFF_KINDS
from ..services.profiles import DETAIL_FIELDS, LEAVING_STATUSES


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NodeField(forms.ModelChoiceField):
    """A node of the officer's subtree. Any open node there is accepted; the drop-down offers the
    federations (and the node already chosen): a city has thousands of grassroots unions."""

    def __init__(self, *args, user, current: Union | None = None, **kwargs):
        scope = Union.objects.filter(subtree_q(scope_paths(user, CADRE_STAFF_KINDS)))
        kwargs.setdefault("widget", LongSelect)
        kwargs.setdefault("error_messages", {"invalid_choice": _("Choose a node in your own part of the tree.")})
        super().__init__(scope, *args, **kwargs)
        offered = list(
            scope.filter(
                Q(kind__in=FEDERATION_NODE_KINDS, closed_on__isnull=True) | Q(pk=current.pk if current else None)
            )
            .order_by("path")
            .only("pk", "name", "depth")
        )
        top = min((u.depth for u in offered), default=1)
        self.widget.choices = [("", "---------")] + [(u.pk, "\u3000" * (u.depth - top) + u.name) for u in offered]


class CadreForm(forms.ModelForm):
    """A cadre's facts and, optionally, the portal account they sign in with. Status is not a field:
    leaving and retiring have their own page; forged POST fields are ignored."""

    mobile = MobileField(label=capfirst(Cadre._meta.get_field("mobile").verbose_name))
    account = forms.CharField(
        label=_("Portal account"),
        required=False,
        max_length=150,
        help_text=_(
            "The username or mobile number of the cadre's own account, so that they see their record, "
            "hours and tasks. Leave blank for none."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = Cadre
        fields = DETAIL_FIELDS
        widgets = {"birth_date": _date_widget(), "in_post_since": _date_widget()}
        error_messages = {"name": {"required": _("Enter the cadre's name.")}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.union if self.instance.pk else None
        self.fields["union"] = NodeField(
            user=user, current=current, label=capfirst(Cadre._meta.get_field("union").verbose_name)
        )
        self.fields["in_post_since"].help_text = _(
            "To record a move to another post, use Rotation on the cadre's page: it keeps the history."
        )
        if self.instance.pk:
            self.fields["union"].help_text = self.fields["in_post_since"].help_text
            if self.instance.user_id:
                self.initial["account"] = self.instance.user.username
        self.account_user: User | None = None

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_account(self):
        value = self.cleaned_data.get("account", "").strip()
        if not value:
            return ""
        user = User.objects.filter(username__iexact=value).first()
        mobile = normalise_mobile(value)
        if user is None and MOBILE_RE.fullmatch(mobile):
            user = User.objects.filter(phone=mobile).first()
        if user is None:
            raise forms.ValidationError(_("There is no portal account with this username or mobile number."))
        linked = Cadre.objects.filter(user=user)
        if self.instance.pk:
            linked = linked.exclude(pk=self.instance.pk)
        if linked.exists():
            raise forms.ValidationError(_("This portal account is already linked to another cadre."))
        self.account_user = user
        return value

    def _get_validation_exclusions(self):
        # One record per mobile: the service checks it and says so in words (the model's constraint
        # would answer "Cadre with this mobile number already exists"). The field is still validated.
        return {*super()._get_validation_exclusions(), "mobile"}

    def validate_unique(self):
        pass

    def add_error(self, field, error):
        # The service names the account ``user``; on this form it is ``account``.
        if field is None and hasattr(error, "error_dict") and "user" in error.error_dict:
            error.error_dict["account"] = error.error_dict.pop("user")
        super().add_error(field, error)

    def details(self) -> dict:
        return {field: self.cleaned_data[field] for field in DETAIL_FIELDS}


class CadreStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What happened"),
        choices=[(value, STATUS_LABELS[value]) for value in LEAVING_STATUSES],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=_date_widget())


class RotationForm(forms.Form):
    on_date = forms.DateField(label=_("Date of the move"), initial=timezone.localdate, widget=_date_widget())
    to_post = forms.CharField(label=_("New post"), max_length=100)
    to_rank = forms.ChoiceField(label=_("New rank"), choices=Rank.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("For example: the decision's document number."),
    )

    def __init__(self, *args, user, cadre: Cadre, **kwargs):
        kwargs.setdefault("initial", {"to_post": cadre.post, "to_rank": cadre.rank, "to_union": cadre.union_id})
        super().__init__(*args, **kwargs)
        self.fields["to_union"] = NodeField(user=user, current=cadre.union, label=_("New node"))
        self.order_fields(["on_date", "to_union", "to_post", "to_rank", "note"])


class PoliticalReviewForm(forms.ModelForm):
    class Meta:
        model = PoliticalReview
        fields = ["assessed_on", "conclusion", "issues_found", "measures", "feedback", "feedback_given_on"]
        widgets = {
            "assessed_on": _date_widget(),
            "feedback_given_on": _date_widget(),
            "issues_found": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "feedback": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "conclusion": _("Unqualified blocks promotion and an Excellent yearly grade (one-vote veto)."),
            "feedback": _("The cadre sees the conclusion and this feedback, nothing else of the entry."),
        }


class CadreSettingsForm(forms.ModelForm):
    class Meta:
        model = CadreSettings
        fields = ["rotation_due_years", "excellent_share_percent"]
        labels = {"excellent_share_percent": _("Share of Excellent grades per unit (%)")}
        help_texts = {
            "rotation_due_years": _("Cadres in the same post this many years are listed as due for rotation."),
            "excellent_share_percent": _(
                "At most this share of each unit's assessed cadres may be graded Excellent in a year."
            ),
        }
