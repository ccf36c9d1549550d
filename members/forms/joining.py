"""Forms a worker fills in: consent, the application, its correction, and a transfer request."""

import unicodedata

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.phone import MobileField
from unions.models import Union

from ..id_number import IdNumber, parse
from ..models import Education, EmploymentType, PersonalDetails, PoliticalStatus
from ..services import DETAIL_FIELDS, accepts_applications

# The 56 ethnic groups of GB/T 3304, in the standard's order, and its two further categories.
ETHNIC_GROUPS = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "其他未识别民族",
    "外国血统中国籍人士",
]

E = EmploymentType


def _label(field: str):
    return capfirst(PersonalDetails._meta.get_field(field).verbose_name)


class IdNumberInput(forms.TextInput):
    """Never writes a typed ID number back into the page: worker pages hold masked numbers only."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        required=False,
        label=_(
            "I have read the text above and agree that the union processes my personal information, "
            "including my resident ID number, which is sensitive personal information, for my membership."
        ),
    )

    def clean_agree(self):
        if not self.cleaned_data.get("agree"):
            raise forms.ValidationError(
                _(
                    "You can only apply online after ticking the box to agree: without your agreement "
                    "the union may not process your ID number."
                ),
                code="consent_required",
            )
        return True


class DetailsForm(forms.Form):
    """The personal details of an application (the member registration form)."""

    name = forms.CharField(
        label=_("Name (as on your ID card)"),
        max_length=50,
        error_messages={"required": _("Enter your name as it is written on your ID card.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=40,
        help_text=_("18 characters; the last one may be X."),
        error_messages={"required": _("Enter your 18-character resident ID number.")},
        widget=IdNumberInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    mobile = MobileField(
        error_messages={"required": _("Enter your mobile number: the union tells you the result by SMS.")}
    )
    ethnicity = forms.ChoiceField(label=_label("ethnicity"), choices=[(e, e) for e in ETHNIC_GROUPS], initial="汉族")
    political_status = forms.ChoiceField(
        label=_label("political_status"), choices=PoliticalStatus.choices, initial=PoliticalStatus.NONE
    )
    education = forms.ChoiceField(label=_label("education"), choices=[("", "—"), *Education.choices], required=False)
    employment_type = forms.ChoiceField(
        label=_label("employment_type"),
        choices=[
            (E.REGULAR.value, E.REGULAR.label),
            (E.DISPATCHED.value, E.DISPATCHED.label),
            (
                _("New forms of employment (platform and gig work)"),
                [(v, label) for v, label in E.choices if v in E.new_form_values()],
            ),
            (E.OTHER.value, E.OTHER.label),
        ],
        initial=E.REGULAR,
    )
    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=100,
        required=False,
        help_text=_("The company or organisation you work for; platform workers name the platform."),
    )
    is_migrant_worker = forms.BooleanField(
        label=_("I am a migrant worker (my household registration is rural)"), required=False
    )
    is_in_hardship = forms.BooleanField(label=_("My family is in financial hardship"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A record made before the list was used may hold another spelling: keep it choosable.
        current = self.initial.get("ethnicity")
        if current and current not in ETHNIC_GROUPS:
            self.fields["ethnicity"].choices = [(current, current), *self.fields["ethnicity"].choices]

    def clean_id_number(self) -> IdNumber | None:
        value = self.cleaned_data.get("id_number", "")
        if not value and not self.fields["id_number"].required:
            return None
        return parse(value)

    def details(self) -> dict:
        return {field: self.cleaned_data[field] for field in DETAIL_FIELDS}


class UnionChoiceField(forms.ModelChoiceField):
    """A union the worker picked from the search results or the list; any other id is refused clearly."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Union.objects.all())
        kwargs.setdefault(
            "error_messages",
            {
                "required": _(
                    "Choose the union to join: search for your employer, or pick a federation from the list "
                    "for workers whose employer has no union."
                ),
                "invalid_choice": _("That union was not found. Search again and choose one from the results."),
            },
        )
        super().__init__(**kwargs)

    def clean(self, value):
        union = super().clean(value)
        if union.is_closed:
            raise forms.ValidationError(
                _("%(name)s has closed and takes no new members. Choose another union."),
                code="union_closed",
                params={"name": union.name},
            )
        if not accepts_applications(union):
            raise forms.ValidationError(
                _(
                    "%(name)s does not take members directly. Choose the union at your workplace, or a "
                    "federation from the list for workers whose employer has no union."
                ),
                code="union_not_accepting",
                params={"name": union.name},
            )
        return union


class ApplicationForm(DetailsForm):
    union = UnionChoiceField(label=_("Union"))


class CorrectionForm(DetailsForm):
    """The same details; the ID number may be left empty to keep the one on file."""

    def __init__(self, *args, id_masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["id_number"]
        field.required = False
        field.help_text = _("Leave empty to keep %(masked)s, or type the whole number again to change it.") % {
            "masked": id_masked
        }


class TransferRequestForm(forms.Form):
    union = UnionChoiceField(label=_("Move to"))


class SearchTextField(forms.CharField):
    """Text typed into a search box: one line of printable characters.

    A control character cannot be typed there, and a NUL cannot even reach PostgreSQL (it refuses the
    query), so any of them is refused with a message before a search is run.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if any(unicodedata.category(character) == "Cc" for character in value):
            raise forms.ValidationError(
                _("The search text holds characters that cannot be searched for. Type it again."),
                code="control_character",
            )
        return value


class UnionSearchForm(forms.Form):
    """The union search of the join and transfer pages: a name or a credit code, at most 100 characters."""

    q = SearchTextField(required=False)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:100]
