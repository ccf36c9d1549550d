"""The roster as a plain django-import-export resource, always scoped to a subtree of the union tree.

The portal does not use it: ``members.roster`` reads, checks and writes in bulk, many times faster.
It is the baseline the bench measures the roster's own import and export against (``bench/roster.py``),
so it lives with the bench; it can still make a small masked export from a shell.

django-import-export finds the rows to update, and the related objects of foreign keys, in
``objects.all()`` unless told otherwise. Here both are limited to the resource's subtree: members
are matched by the keyed hash of their ID number among the members of the subtree only, and the
所属工会 column names one of the open grassroots or joint unions of the subtree, or the row fails.
An ID number that belongs to a member elsewhere is never taken over: the row fails on the unique
hash, and an active member is never moved between unions by a file.
"""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from accounts.phone import mask_mobile
from members.models import Education, EmploymentType, Member, PoliticalStatus, Sex
from members.permissions import can_manage_members
from members.roster import cleaning
from members.roster.cleaning import CellError
from members.roster.columns import BY_KEY, EXPORT_ONLY, escape_formula
from unions.models import Union
from unions.roles import MEMBER_HOLDING_NODE_KINDS, MEMBER_STAFF_KINDS
from unions.scope import scope_paths, subtree_q

ID_COLUMN = BY_KEY["id_number"].zh
UNION_COLUMN = BY_KEY["union"].zh
SEX_COLUMN = BY_KEY["sex"].zh
# Filled by ``before_import_row`` from the ID number; never taken from the file, never exported.
DERIVED = ("id_hash", "id_encrypted", "id_masked", "sex", "birth_date")


def _header(key: str) -> str:
    return BY_KEY[key].zh


def _label(key: str) -> str:
    """The column's name as messages show it: the header in Chinese, the English one otherwise."""
    from django.utils import translation

    return BY_KEY[key].header(translation.get_language() or "zh-hans")


class CellWidget(widgets.Widget):
    """A cell read by one of the roster's own cell readers; its CellError becomes a row error."""

    def __init__(self, reader, **kwargs):
        self.reader = reader
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or cleaning.text(value) == "":
            return None
        try:
            return self.reader(value)
        except CellError as exc:
            raise ValueError(str(exc)) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(CellWidget):
    """A choice written as its Chinese label (accepting every spelling the roster import accepts)."""

    def __init__(self, key: str, choices):
        self.choices = choices
        super().__init__(
            lambda value: cleaning.choice_of(value, key, _label(key)) if key in cleaning.CHOICES else value
        )

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        try:
            return str(self.choices(value).label)
        except ValueError:
            return str(value)


class YesNoWidget(CellWidget):
    def __init__(self, key: str):
        super().__init__(lambda value: cleaning.yes_no_of(value, _label(key)))

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        return super().clean(value, row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class DateWidget(CellWidget):
    def __init__(self, key: str):
        super().__init__(lambda value: cleaning.date_of(value, _label(key)))

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class UnionWidget(widgets.ForeignKeyWidget):
    """所属工会 by name or credit code, among the open grassroots and joint unions under ``paths`` only."""

    def __init__(self, paths: list[str]):
        self.paths = paths
        super().__init__(Union, field="name")

    def get_queryset(self, value, row, *args, **kwargs):
        return Union.objects.filter(subtree_q(self.paths), kind__in=MEMBER_HOLDING_NODE_KINDS, closed_on__isnull=True)

    def get_instance_by_lookup_fields(self, value, row, **kwargs):
        raw = cleaning.text(value)
        code = raw.upper().replace(" ", "")
        return self.get_queryset(value, row, **kwargs).get(Q(name=raw) | Q(credit_code=code))

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(cleaning.text(value), row, **kwargs)
        except Union.DoesNotExist:
            raise ValueError(
                _("No open grassroots or joint union “%(name)s” within your part of the union tree.")
                % {"name": cleaning.text(value)}
            ) from None
        except Union.MultipleObjectsReturned:
            raise ValueError(
                _("Several unions are named “%(name)s”: give the union's credit code instead.")
                % {"name": cleaning.text(value)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


def _column(key: str, widget, **kwargs) -> fields.Field:
    # Blank cells never erase what is stored, as in the roster import.
    return fields.Field(attribute=key, column_name=_header(key), widget=widget, saves_null_values=False, **kwargs)


class MemberResource(resources.ModelResource):
    """The roster's columns (Chinese headers) over the members of one subtree.

    ``MemberResource(user=clerk)`` covers the user's member-staff scope; ``MemberResource(union=node)``
    the node's subtree (and with both, the node, which must lie in the user's scope). There is no
    unscoped resource. Exports are masked (ID numbers and mobiles): full exports with their audit go
    through the roster export pages.
    """

    name = _column("name", CellWidget(cleaning.name_of))
    sex_label = fields.Field(attribute="sex", column_name=SEX_COLUMN, widget=ChoiceWidget("sex", Sex), readonly=True)
    id_number = fields.Field(attribute="id_masked", column_name=ID_COLUMN, readonly=True)
    mobile = _column("mobile", CellWidget(cleaning.mobile_of))
    ethnicity = _column("ethnicity", CellWidget(lambda v: cleaning.short_text(v, limit=10, label=_label("ethnicity"))))
    political_status = _column("political_status", ChoiceWidget("political_status", PoliticalStatus))
    education = _column("education", ChoiceWidget("education", Education))
    employment_type = _column("employment_type", ChoiceWidget("employment_type", EmploymentType))
    employer_name = _column(
        "employer_name", CellWidget(lambda v: cleaning.short_text(v, limit=100, label=_label("employer_name")))
    )
    is_migrant_worker = _column("is_migrant_worker", YesNoWidget("is_migrant_worker"))
    is_in_hardship = _column("is_in_hardship", YesNoWidget("is_in_hardship"))
    joined_on = _column("joined_on", DateWidget("joined_on"))
    union = fields.Field(attribute="union", column_name=UNION_COLUMN, widget=UnionWidget([]), saves_null_values=False)
    status = fields.Field(
        attribute="status", column_name=EXPORT_ONLY[1][1], widget=ChoiceWidget("status", Member.Status), readonly=True
    )
    # Import only: what the ID number tells, set by before_import_row.
    id_hash = fields.Field(attribute="id_hash", column_name="id_hash")
    id_encrypted = fields.Field(attribute="id_encrypted", column_name="id_encrypted")
    id_masked = fields.Field(attribute="id_masked", column_name="id_masked")
    sex = fields.Field(attribute="sex", column_name="sex")
    birth_date = fields.Field(attribute="birth_date", column_name="birth_date", widget=widgets.DateWidget())

    class Meta:
        model = Member
        fields = (
            "name",
            "sex_label",
            "id_number",
            "mobile",
            "ethnicity",
            "political_status",
            "education",
            "employment_type",
            "employer_name",
            "is_migrant_worker",
            "is_in_hardship",
            "joined_on",
            "union",
            "status",
            *DERIVED,
        )
        import_id_fields = ["id_hash"]
        # Each row is checked like a form: field validators, choices, the unique ID hash.
        clean_model_instances = True

    def __init__(self, *, user=None, union: Union | None = None, **kwargs):
        super().__init__(**kwargs)
        if union is not None:
            if user is not None and not can_manage_members(user, union):
                raise PermissionDenied
            self.paths = [union.path]
        elif user is not None:
            self.paths = scope_paths(user, MEMBER_STAFF_KINDS)
        else:
            raise ImproperlyConfigured("MemberResource needs a user or a union: it is never unscoped.")
        self.node = union
        self.fields["union"].widget = UnionWidget(self.paths)

    # --- scope ------------------------------------------------------------------------------------
    def get_queryset(self):
        """The members the resource may read, match and update: those of its subtree."""
        return Member.objects.filter(subtree_q(self.paths, "union__path")).select_related("union")

    def filter_export(self, queryset, **kwargs):
        """A queryset handed to ``export()`` is narrowed to the subtree as well."""
        return queryset.filter(subtree_q(self.paths, "union__path")).select_related("union")

    # --- import -----------------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        # The derived columns must exist for the import ID check; their cells are filled per row.
        for name in DERIVED:
            if name not in (dataset.headers or []):
                dataset.append_col([""] * len(dataset), header=name)

    def before_import_row(self, row, **kwargs):
        """The ID number becomes its hash, ciphertext and mask, and the sex and birth date it gives."""
        try:
            number = cleaning.id_number_of(row.get(ID_COLUMN))
        except CellError as exc:
            raise ValidationError({"id_number": [str(exc)]}) from None
        given_sex = cleaning.text(row.get(SEX_COLUMN))
        if given_sex:
            try:
                sex = cleaning.choice_of(given_sex, "sex", _label("sex"))
            except CellError as exc:
                raise ValidationError({"sex_label": [str(exc)]}) from None
            if sex != number.sex:
                raise ValidationError({"sex_label": [_("The sex does not match the ID number.")]})
        derived = Member()
        derived.set_id_number(number)
        for name in DERIVED:
            row[name] = getattr(derived, name)
        if not cleaning.text(row.get(UNION_COLUMN)) and self.node is not None and self.node.holds_members:
            row[UNION_COLUMN] = self.node.name

    def init_instance(self, row=None):
        return Member(joined_on=timezone.localdate(), status=Member.Status.ACTIVE)

    def import_instance(self, instance, row, **kwargs):
        before = (instance.pk, instance.union_id, instance.status)
        super().import_instance(instance, row, **kwargs)
        pk, union_id, status = before
        if pk is not None and status != Member.Status.ACTIVE:
            raise ValidationError(
                {"id_number": [_("This ID number belongs to a former member: use the roster import.")]}
            )
        if pk is not None and instance.union_id != union_id:
            raise ValidationError(
                {"union": [_("Already an active member of another union: request a transfer instead of importing.")]}
            )

    # --- export -----------------------------------------------------------------------------------
    def get_export_fields(self, selected_fields=None):
        return [field for field in super().get_export_fields(selected_fields) if field.column_name not in DERIVED]

    def dehydrate_mobile(self, member: Member) -> str:
        return mask_mobile(member.mobile)

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return escape_formula(value) if isinstance(value, str) else value
