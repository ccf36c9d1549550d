import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.jobs import Job
from accounts.phone import mainland_mobile_validator, mask_mobile
from unions.models import Union

from . import pii
from .cards import card_token
from .storage import roster_storage


def _card_token() -> str:
    # Named in migrations as the token field's default.
    return card_token()


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    CYL_MEMBER = "cyl_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")
    NONE = "none", _("No party affiliation")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school or below")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary or vocational")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class EmploymentType(models.TextChoices):
    REGULAR = "regular", _("Regular employee")
    DISPATCHED = "dispatched", _("Dispatched worker")
    TRUCK_DRIVER = "truck_driver", _("Truck driver")
    COURIER = "courier", _("Courier")
    FOOD_DELIVERY = "food_delivery", _("Food-delivery rider")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")
    STREAMER = "streamer", _("Online streamer")
    HOME_CARE = "home_care", _("Home-care worker")
    OTHER_NEW_FORM = "other_new_form", _("Other new-employment-form worker")
    OTHER = "other", _("Other")

    @classmethod
    def new_form_values(cls) -> frozenset[str]:
        """The new-employment-form groups (新就业形态劳动者), the federation's enrolment drive."""
        return frozenset(
            {
                cls.TRUCK_DRIVER,
                cls.COURIER,
                cls.FOOD_DELIVERY,
                cls.RIDE_HAILING,
                cls.STREAMER,
                cls.HOME_CARE,
                cls.OTHER_NEW_FORM,
            }
        )


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PersonalDetails(models.Model):
    """What the member registration form asks of a person; shared by members and applications.

    The ID number is never stored in clear: ``id_hash`` finds it, ``id_encrypted`` keeps it, and
    ``id_masked`` is what lists show. Sex and birth date come from the number itself.
    """

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_hash = models.CharField(max_length=64, editable=False)
    id_encrypted = models.TextField(editable=False)
    id_masked = models.CharField(_("resident ID number"), max_length=18, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    mobile = models.CharField(_("mobile number"), max_length=11, validators=[mainland_mobile_validator])
    ethnicity = models.CharField(_("ethnicity"), max_length=10, default="汉族")
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.NONE
    )
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    employment_type = models.CharField(
        _("employment type"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.REGULAR
    )
    employer_name = models.CharField(_("employer"), max_length=100, blank=True)
    is_migrant_worker = models.BooleanField(_("migrant worker"), default=False)
    is_in_hardship = models.BooleanField(_("worker in hardship"), default=False)

    class Meta:
        abstract = True

    def set_id_number(self, number) -> None:
        """Store a parsed ``id_number.IdNumber``: hash, ciphertext, mask, and what it tells."""
        self.id_hash = pii.id_hash(number.value)
        self.id_encrypted = pii.encrypt(number.value)
        self.id_masked = number.masked
        self.sex = number.sex
        self.birth_date = number.birth_date

    def reveal_id_number(self) -> str:
        """The full number. Callers audit the reveal (members.services.member_reveal_id)."""
        return pii.decrypt(self.id_encrypted)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)


# The details a worker gives and a clerk may edit (the forms, the services, the roster import's
# updates); the ID number has its own path (set_id_number).
DETAIL_FIELDS = (
    "name",
    "mobile",
    "ethnicity",
    "political_status",
    "education",
    "employment_type",
    "employer_name",
    "is_migrant_worker",
    "is_in_hardship",
)


class Member(PersonalDetails):
    """One real person, one record city-wide (real-name management): the ID hash is unique."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TRANSFERRED_OUT = "transferred_out", _("Transferred out")
        LEFT = "left", _("Left")
        DECEASED = "deceased", _("Deceased")

    # No index of its own: member_union_list below starts with the union and serves every lookup by it
    # (one index fewer to keep up on every import).
    union = models.ForeignKey(
        Union, on_delete=models.PROTECT, related_name="members", verbose_name=_("union"), db_index=False
    )
    joined_on = models.DateField(_("joined on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # The worker's own account, when they joined online or claimed the record.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="member_one_record_per_person")]
        indexes = [
            # A union's list in its default order (newest first, ties by id), read in order.
            models.Index(fields=["union", "status", "-joined_on", "-id"], name="member_union_list"),
            models.Index(fields=["name"], name="member_name", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["mobile"], name="member_mobile"),
            # The list's orders. Status and union ride along, so a page's ids come from the index alone
            # (an index-only scan) however deep the page: see members.views.staff.page_of.
            models.Index(fields=["-joined_on", "-id"], name="member_joined_cover", include=["status", "union"]),
            models.Index(fields=["name", "id"], name="member_name_order", include=["status", "union"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def status_badge(self) -> str:
        """The Bootstrap badge colour of the status (members/staff/_status_badge.html)."""
        return {self.Status.ACTIVE: "text-bg-success", self.Status.DECEASED: "text-bg-dark"}.get(
            self.status, "text-bg-secondary"
        )


class MemberEvent(models.Model):
    """The history of a member: every change of union or status, with who and when."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined")
        EDITED = "edited", _("Details edited")
        TRANSFERRED = "transferred", _("Transferred")
        LEFT = "left", _("Left")
        DECEASED = "deceased", _("Deceased")
        CARD_ISSUED = "card_issued", _("Card issued")
        CARD_REVOKED = "card_revoked", _("Card revoked")
        ID_REVEALED = "id_revealed", _("ID number viewed")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    from_union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class MemberCard(models.Model):
    """An e-card. The QR code carries only the token; the public check page shows no personal data."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cards")
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("card number"), max_length=20, unique=True)
    token = models.CharField(max_length=43, unique=True, default=_card_token, editable=False)
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("member card")
        verbose_name_plural = _("member cards")
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(revoked_on__isnull=True), name="card_one_valid_per_member"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_on is None


class Consent(models.Model):
    """A worker's consent to the processing of personal (and sensitive) information, as given."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    text_version = models.CharField(_("text version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.text_version} {self.given_at:%Y-%m-%d %H:%M}"


class Application(PersonalDetails):
    """A worker's application to join a union online (入会申请)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        NEEDS_CORRECTION = "needs_correction", _("Correction requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        TRANSFER = "transfer", _("Became a transfer request")

    OPEN_STATUSES = (Status.SUBMITTED, Status.NEEDS_CORRECTION)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="applications", verbose_name=_("union"))
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            # One open application per person: a double submit cannot make two.
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=models.Q(status__in=["submitted", "needs_correction"]),
                name="application_one_open_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["union", "status", "submitted_at"], name="application_queue"),
            # The queue of a whole city, oldest first: read in order, stopping at the page's end.
            models.Index(
                fields=["submitted_at", "id"], name="application_waiting", condition=models.Q(status="submitted")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.union}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Transfer(models.Model):
    """A member's move to another union (会员关系转接): the old union releases, the new one accepts."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        RELEASED = "released", _("Released by the current union")
        ACCEPTED = "accepted", _("Accepted: member moved")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.REQUESTED, Status.RELEASED)

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("member"))
    from_union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="transfers_out")
    to_union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="transfers_in")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # The application that turned into this transfer, when the person applied while a member elsewhere.
    application = models.ForeignKey(Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["requested", "released"]),
                name="transfer_one_open_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.from_union} → {self.to_union}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


# --- rosters in and out ---------------------------------------------------------------------------
def _roster_upload_to(instance, filename: str) -> str:
    # Never the uploaded name on disk: it is kept in ``original_name`` for people to read.
    return f"roster-imports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class RosterImport(models.Model):
    """One roster upload and what became of it: checked (dry run), confirmed, imported or not.

    Nothing touches the members before the clerk confirms. The counts are those of the latest pass
    over the file: the dry run's until the import has run, then the import's.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        REFUSED = "refused", _("File refused")
        IMPORTING = "importing", _("Being imported")
        DONE = "done", _("Imported")
        NOTHING_WRITTEN = "nothing_written", _("Not imported: errors found")
        CANCELLED = "cancelled", pgettext_lazy("roster import", "Cancelled")
        FAILED = "failed", _("Failed")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: any error and nothing is written")
        VALID_ONLY = "valid_only", _("Valid rows only: rows with errors are left out and listed")

    class FileFormat(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        XLS = "xls", "XLS"
        CSV = "csv", "CSV"

    IN_PROGRESS = (Status.CHECKING, Status.IMPORTING)

    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("import into"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # Encrypted at rest: the roster holds ID numbers and mobiles in clear.
    file = models.FileField(_("file"), upload_to=_roster_upload_to, storage=roster_storage, blank=True, max_length=200)
    # The rows left out, as they were in the upload, with an error column: built by the job that
    # finds them, so that downloading it is only streaming a file. Holds ID numbers like the upload.
    error_file = models.FileField(
        _("error file"), upload_to=_roster_upload_to, storage=roster_storage, blank=True, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=8, choices=FileFormat.choices, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    # The clerk's language when uploading: the job writes its messages in it.
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CHECKING)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    # Messages about the whole file, e.g. columns that were not recognised and so ignored.
    notices = models.JSONField(default=list, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    transfer_count = models.PositiveIntegerField(_("transfer candidates"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    cancel_requested = models.BooleanField(default=False)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    # Who confirmed the import: the members' history names them (it may be another clerk).
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["union", "-created_at"], name="roster_import_union")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def written(self) -> bool:
        return self.status == self.Status.DONE


class RosterImportRow(models.Model):
    """A row of an import worth listing: an error, a transfer candidate, or a member it wrote.

    Unchanged rows are only counted. The row number is the spreadsheet's own (the header is row 1).
    """

    class Outcome(models.TextChoices):
        NEW = "new", _("New member")
        UPDATED = "updated", _("Updated")
        TRANSFER = "transfer", _("Transfer candidate")
        ERROR = "error", _("Error")

    roster_import = models.ForeignKey(RosterImport, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    id_masked = models.CharField(_("resident ID number"), max_length=18, blank=True)
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("roster import row")
        verbose_name_plural = _("roster import rows")
        ordering = ["row_number"]
        indexes = [models.Index(fields=["roster_import", "outcome", "row_number"], name="roster_row_outcome")]

    def __str__(self) -> str:
        return f"{self.roster_import_id}:{self.row_number}"


def _roster_export_upload_to(instance, filename: str) -> str:
    return f"roster-exports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{instance.file_format}"


class RosterExport(Job):
    """A member list exported as a job because it was too large to download at once.

    ``query`` is the list's filter query string; the job applies it again within the scope of the
    user who asked, so the file holds exactly what the list showed them. The job's lifecycle is
    ``accounts.jobs``; its headers and labels are in the requester's ``language``.
    """

    build_task = "members.roster_export_build"
    # A long export may wait behind another in the queue: give the broker's message longer.
    requeue_after = timedelta(minutes=15)

    # Not the job's SET_NULL: an export of personal data always names who asked for it.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    query = models.CharField(max_length=2000, blank=True)
    file_format = models.CharField(_("format"), max_length=8, choices=RosterImport.FileFormat.choices)
    # Full ID numbers and mobiles, for a role allowed them and when asked; masked otherwise.
    full_details = models.BooleanField(_("full ID numbers and mobiles"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    # Encrypted at rest, like the uploads: a full-details export holds every ID number in clear.
    file = models.FileField(
        _("file"), upload_to=_roster_export_upload_to, storage=roster_storage, blank=True, max_length=200
    )

    class Meta:
        verbose_name = _("roster export")
        verbose_name_plural = _("roster exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pk}.{self.file_format}"
