import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .kinds import MAX_LENGTH as KIND_MAX_LENGTH
from .kinds import audit_actions
from .phone import mainland_mobile_validator


class User(AbstractUser):
    """A person who signs in: union staff (accounts made by staff) or a worker (signed up online)."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    # Mainland mobile, 11 digits, unique when given; workers sign in with it.
    phone = models.CharField(
        _("mobile number"), max_length=11, null=True, blank=True, unique=True, validators=[mainland_mobile_validator]
    )
    phone_verified = models.BooleanField(_("mobile verified"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username


class AuditEventQuerySet(models.QuerySet):
    """Append-only: no bulk update or delete through the ORM."""

    def update(self, **kwargs):
        raise ValidationError(_("Audit events cannot be changed."))

    def delete(self):
        raise ValidationError(_("Audit events cannot be deleted."))


class AuditEvent(models.Model):
    """One security-relevant event. Rows are never changed; PostgreSQL enforces it with a trigger."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    # The actor's name and username at the time (audit.actor_label), kept even if the account is renamed.
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    # A value an app declares and registers (accounts.kinds): no choices here, so that a new app's
    # actions need no migration of this table.
    action = models.CharField(_("action"), max_length=KIND_MAX_LENGTH)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, default=Result.SUCCESS)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # The node the event concerns, as plain values: its id, and its path in the tree at the time, which
    # decides which auditors see the row. No foreign key: nothing holds the append-only table, and the
    # accounts app stays below the union tree.
    union_id = models.BigIntegerField(_("union"), null=True, blank=True)
    union_path = models.CharField(max_length=255, blank=True, default="")
    target_type = models.CharField(_("object type"), max_length=50, blank=True)
    target_id = models.CharField(_("object ID"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_action_time"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time"),
            models.Index(fields=["union_path"], name="audit_union_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events cannot be deleted."))

    @property
    def action_label(self) -> str:
        return audit_actions.label(self.action)


class MfaEnrolmentLink(models.Model):
    """A link, e-mailed to a staff member, that lets them set up their first authenticator app.

    A password alone does not: whoever stole one could otherwise enrol their own app and keep the
    account. Opening the link proves the e-mail address; it expires, works for one set-up, and a
    newer link replaces it. Only a hash of its token is stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    # Set when an authenticator was set up with the link, or a newer link replaced it.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator set-up link")
        verbose_name_plural = _("authenticator set-up links")
        indexes = [models.Index(fields=["user"], condition=models.Q(closed_at=None), name="mfa_enrolment_open")]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class Notification(models.Model):
    """A message in a user's portal inbox; e-mail and SMS copies are sent alongside (accounts.notify).

    ``dedupe_key`` names what the message is about (kind, object, due date): one row per recipient
    and key, so a re-run or retried job finds the row and sends nothing twice.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    # A reminder kind an app registers (accounts.kinds), or another message's kind.
    kind = models.CharField(_("kind"), max_length=KIND_MAX_LENGTH)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    dedupe_key = models.CharField(_("key"), max_length=120, blank=True, default="")
    # An e-mail copy is owed until it has been handed to the mail server.
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
            models.Index(fields=["dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Which reminders a user does not want by e-mail; without a row every reminder is e-mailed."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preference", verbose_name=_("user")
    )
    email_muted_kinds = models.JSONField(_("reminders not e-mailed"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def wants_email(self, kind: str) -> bool:
        return kind not in self.email_muted_kinds


class CalendarDay(models.Model):
    """A day whose working status the federation sets by hand: a year the official calendar package does
    not know yet (the State Council announces each year's holidays and make-up days 调休 in November), or
    a correction. A row here wins over the package (``accounts.workdays``)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    # The holiday's name, or "make-up working day" (调休上班).
    note = models.CharField(_("note"), max_length=50, blank=True)
    changed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"


class CalendarYear(models.Model):
    """A year the federation declares complete in its own calendar table (every holiday and make-up day
    entered), so that notices may run into it although the package does not know it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    declared_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
