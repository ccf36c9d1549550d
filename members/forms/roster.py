"""Forms of the roster import pages: the upload and the confirmation."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS, MEMBER_STAFF_KINDS
from unions.scope import scope_paths, subtree_q

from ..models import RosterImport

ACCEPTED_FILES = ".xlsx,.xls,.csv"


class RosterUploadForm(forms.Form):
    """The union to import into and the file.

    Any union in the user's member-staff scope is accepted (a link from a union's page may name a
    grassroots union), but the drop-down offers only the top of the scope and the federations in it:
    a city has thousands of grassroots unions. A closed union is accepted here so that the service
    says why it is refused.
    """

    union = forms.ModelChoiceField(
        label=_("Import into"),
        queryset=Union.objects.none(),
        empty_label=None,
        help_text=_(
            "Members go into this union, or, for a federation, into the union named in each row's "
            "“所属工会” column, which must lie below it."
        ),
        error_messages={
            "required": _("Choose the union to import into."),
            "invalid_choice": _("Choose a union in your part of the tree."),
        },
    )
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("An Excel workbook (XLSX or XLS) or a CSV file; the first sheet is read."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
        error_messages={
            "required": _("Choose the roster file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Choose the roster file to upload."),
        },
    )

    def __init__(self, *args, user, selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        roots = scope_paths(user, MEMBER_STAFF_KINDS)
        in_scope = Union.objects.filter(subtree_q(roots))
        field = self.fields["union"]
        field.queryset = in_scope
        offered = in_scope.filter(
            Q(path__in=roots) | Q(kind__in=FEDERATION_NODE_KINDS, closed_on__isnull=True) | Q(pk=_pk_or_none(selected))
        ).order_by("path")
        offered = list(offered.only("pk", "name", "depth", "kind", "closed_on"))
        if all(union.holds_members for union in offered):
            field.help_text = ""  # a clerk's own union: no federation to explain
        top = min((union.depth for union in offered), default=1)
        # Indented by depth so that the tree shows; the ideographic space survives HTML whitespace rules.
        field.widget.choices = [(union.pk, "\u3000" * (union.depth - top) + union.name) for union in offered]
        # The union asked for (``?union=``), else the top of the user's scope.
        chosen = next((union for union in offered if str(union.pk) == str(selected)), offered[0] if offered else None)
        if chosen is not None:
            field.initial = chosen.pk


def _pk_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class RosterConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to import"),
        choices=RosterImport.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how to import: all or nothing, or the valid rows only."),
            "invalid_choice": _("Choose how to import: all or nothing, or the valid rows only."),
        },
    )

    def __init__(self, *args, record: RosterImport, **kwargs):
        super().__init__(*args, **kwargs)
        # With errors in the file, "all or nothing" would write nothing: offer the useful choice first.
        self.fields["mode"].initial = (
            RosterImport.Mode.VALID_ONLY if record.error_count else RosterImport.Mode.ALL_OR_NOTHING
        )
