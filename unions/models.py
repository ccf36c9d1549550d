"""The union tree and who holds what on it: the bottom of the house every other app stands on."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from .credit_code import validate_credit_code


class Union(MP_Node):
    """One node of the union tree (city → district or industry → street → grassroots).

    Grassroots and joint unions hold members; every other kind holds unions. The materialised path
    makes a subtree one indexed prefix query, which is how scope is checked in SQL.
    """

    class Kind(models.TextChoices):
        CITY_FEDERATION = "city_federation", _("City federation of trade unions")
        DISTRICT_FEDERATION = "district_federation", _("District federation of trade unions")
        INDUSTRY_UNION = "industry_union", _("Industry union")
        STREET_FEDERATION = "street_federation", _("Street federation of trade unions")
        GRASSROOTS_UNION = "grassroots_union", _("Grassroots union")
        JOINT_UNION = "joint_union", _("Joint union")

    class Ownership(models.TextChoices):
        STATE = "state", _("State-owned")
        COLLECTIVE = "collective", _("Collective")
        PRIVATE = "private", _("Private")
        FOREIGN = "foreign", _("Foreign-invested")
        HK_MACAO_TAIWAN = "hmt", _("Hong Kong, Macao or Taiwan invested")
        PUBLIC_INSTITUTION = "public", _("Government agency or public institution")
        SOCIAL_ORGANISATION = "social", _("Social organisation")
        OTHER = "other", _("Other")

    # Which kinds of union may sit directly under each kind.
    CHILD_KINDS: dict[str, frozenset[str]] = {
        Kind.CITY_FEDERATION: frozenset(
            {Kind.DISTRICT_FEDERATION, Kind.INDUSTRY_UNION, Kind.GRASSROOTS_UNION, Kind.JOINT_UNION}
        ),
        Kind.DISTRICT_FEDERATION: frozenset(
            {Kind.STREET_FEDERATION, Kind.INDUSTRY_UNION, Kind.GRASSROOTS_UNION, Kind.JOINT_UNION}
        ),
        Kind.INDUSTRY_UNION: frozenset({Kind.GRASSROOTS_UNION, Kind.JOINT_UNION}),
        Kind.STREET_FEDERATION: frozenset({Kind.GRASSROOTS_UNION, Kind.JOINT_UNION}),
        Kind.GRASSROOTS_UNION: frozenset(),
        Kind.JOINT_UNION: frozenset(),
    }

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as on the business licence or registration certificate."),
    )
    employer_name = models.CharField(_("employer"), max_length=100, blank=True)
    employer_staff_count = models.PositiveIntegerField(_("employer staff count"), null=True, blank=True)
    employer_ownership = models.CharField(_("employer ownership"), max_length=16, choices=Ownership.choices, blank=True)
    chair_name = models.CharField(_("chair"), max_length=50, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    has_women_committee = models.BooleanField(_("women workers' committee"), default=False)
    # Street federations and industry unions that take new-employment-form (platform) workers
    # who have no union at their employer; their staff place each such member in a union below.
    takes_platform_workers = models.BooleanField(_("takes platform workers"), default=False)
    # Card numbers are this union's ID and the next number of this counter (locked when issuing).
    card_sequence = models.PositiveIntegerField(default=0, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        # The table keeps the name it had when the tree lived in the members app.
        db_table = "members_union"
        verbose_name = _("union")
        verbose_name_plural = _("unions")
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs pattern ops whatever the database collation.
            models.Index(fields=["path"], name="union_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name"], name="union_name"),
            # The federations of a subtree (the member list's and the queue's drop-downs) among 12,000
            # unions: 0.3 ms instead of a 6 ms scan.
            models.Index(
                fields=["kind", "path"], name="union_kind_path", opclasses=["varchar_ops", "varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="union_credit_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def holds_members(self) -> bool:
        return self.kind in (self.Kind.GRASSROOTS_UNION, self.Kind.JOINT_UNION)

    def may_hold(self, child_kind: str) -> bool:
        return child_kind in self.CHILD_KINDS.get(self.kind, frozenset())


class Role(models.Model):
    """A user's role at one node of the union tree; the user's scope is that node's subtree."""

    class Kind(models.TextChoices):
        CITY_ADMIN = "city_admin", _("City administrator")
        FEDERATION_STAFF = "federation_staff", _("Federation staff")
        UNION_CLERK = "union_clerk", _("Union clerk")
        CADRE_OFFICER = "cadre_officer", _("Cadre officer")
        DISCIPLINE_OFFICER = "discipline_officer", _("Discipline officer")
        LEADER = "leader", _("Leader")
        AUDITOR = "auditor", _("Security auditor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user")
    )
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="roles", verbose_name=_("union"))
    kind = models.CharField(_("role"), max_length=32, choices=Kind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        # The table keeps the name it had when roles lived in the accounts app.
        db_table = "accounts_role"
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "union", "kind"], name="role_unique_per_user_union")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.union}"
