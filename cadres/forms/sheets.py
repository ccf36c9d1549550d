"""Forms of the sheets pages: uploads, the confirmation, and the export choices."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.widgets import LongSelect
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS
from unions.scope import scope_paths, subtree_q

from ..models import CadreImport
from ..permissions import CADRE_STAFF_KINDS

ACCEPTED_FILES = ".xlsx,.xls,.csv"
_FILE_ERRORS = {
    "required": _("Choose the file to upload."),
    "empty": _("The file is empty."),
    "invalid": _("Choose the file to upload."),
}


def _file_field(label, help_text):
    return forms.FileField(
        label=label,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
        error_messages=_FILE_ERRORS,
    )


class AttendanceSheetUploadForm(forms.Form):
    file = _file_field(
        _("Attendance sheet"),
        _("An Excel workbook (XLSX or XLS) or a CSV file with the columns 姓名, 手机号码, 日期, 签到时间, 签退时间."),
    )


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to import"),
        choices=CadreImport.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how to import: all or nothing, or the valid rows only."),
            "invalid_choice": _("Choose how to import: all or nothing, or the valid rows only."),
        },
    )

    def __init__(self, *args, errors: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].initial = CadreImport.Mode.VALID_ONLY if errors else CadreImport.Mode.ALL_OR_NOTHING


def _scope_nodes(user):
    return Union.objects.filter(subtree_q(scope_paths(user, CADRE_STAFF_KINDS)))


def _offered(user, in_scope, selected) -> list[tuple[int, str]]:
    """The top of the user's scope and the federations in it (a city has thousands of grassroots
    unions), indented by depth; any node in scope is still accepted."""
    roots = scope_paths(user, CADRE_STAFF_KINDS)
    chosen = int(selected) if str(selected or "").isdigit() else None
    offered = in_scope.filter(Q(path__in=roots) | Q(kind__in=FEDERATION_NODE_KINDS) | Q(pk=chosen)).order_by("path")
    offered = list(offered.only("pk", "name", "depth"))
    top = min((union.depth for union in offered), default=1)
    return [(union.pk, "\u3000" * (union.depth - top) + union.name) for union in offered]


class CadreImportUploadForm(forms.Form):
    union = forms.ModelChoiceField(
        label=_("Import into"),
        queryset=Union.objects.none(),
        empty_label=None,
        widget=LongSelect,
        help_text=_(
            "Cadres serve at this node, or at the node named in each row's 任职单位 column, which must lie below it."
        ),
        error_messages={
            "required": _("Choose the node to import into."),
            "invalid_choice": _("Choose a node in your part of the tree."),
        },
    )
    file = _file_field(_("Cadre profiles"), _("An Excel workbook (XLSX or XLS) or a CSV file; at most 5,000 cadres."))

    def __init__(self, *args, user, selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        in_scope = _scope_nodes(user)
        field = self.fields["union"]
        field.queryset = in_scope
        field.widget.choices = _offered(user, in_scope, selected)
        if field.widget.choices:
            field.initial = next(
                (pk for pk, _label in field.widget.choices if str(pk) == str(selected)), field.widget.choices[0][0]
            )


class CadreExportForm(forms.Form):
    full_mobiles = forms.BooleanField(
        label=_("Include full mobile numbers"),
        required=False,
        help_text=_("Mobiles are masked unless you ask. An export with full mobiles is recorded in the audit log."),
    )


class LedgerExportForm(forms.Form):
    union = forms.ModelChoiceField(
        label=_("Node"),
        queryset=Union.objects.none(),
        empty_label=None,
        widget=LongSelect,
        error_messages={
            "required": _("Choose a node."),
            "invalid_choice": _("Choose a node in your part of the tree."),
        },
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={"required": _("Give the year."), "invalid": _("Give the year as four digits.")},
    )

    short = forms.BooleanField(label=_("Only cadres short of hours"), required=False)

    def __init__(self, *args, user, selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        in_scope = _scope_nodes(user)
        field = self.fields["union"]
        field.queryset = in_scope
        field.widget.choices = _offered(user, in_scope, selected)
        self.fields["year"].initial = timezone.localdate().year
