"""Writes of the cadre profile: the record itself, leaving or retiring, rotations between posts
(轮岗交流), the political-quality file (政治素质档案) and the app's settings.

Every function checks the rule (``cadres.permissions``) inside its transaction and raises a
``ValidationError`` naming the field at fault, so that a form shows it beside the field; nothing is
written when one is raised.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from unions.models import Union

from .. import kinds
from ..models import Cadre, CadreSettings, PoliticalConclusion, PoliticalReview, Rotation
from ..models.profile import Rank, is_promotion
from ..navigation import forget_cadre_record
from ..permissions import can_change_settings, can_manage, can_manage_cadre
from ..political import political_veto

# The facts of a cadre an officer writes through the create and edit forms, in the forms' order.
DETAIL_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "mobile",
    "union",
    "post",
    "rank",
    "employment",
    "political_status",
    "education",
    "in_post_since",
)
# A cadre's age on the day the record is written: younger or older is a typing mistake.
MIN_AGE, MAX_AGE = 18, 70

_unset = object()


def _age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _check_details(*, details: dict, user: User | None, by, cadre: Cadre | None = None) -> None:
    """Every rule on a cadre's facts at once, so that the form shows each field's problem."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    union: Union = details["union"]
    moved = cadre is None or union.pk != cadre.union_id
    if moved and not can_manage(by, union):
        errors["union"] = _("Choose a node in your own part of the tree.")
    elif moved and union.is_closed:
        errors["union"] = _("This node is closed: choose an open one.")
    birth_date: datetime.date = details["birth_date"]
    age = _age_on(birth_date, today)
    if not MIN_AGE <= age <= MAX_AGE:
        errors["birth_date"] = _("Check the birth date: a cadre is between %(min)d and %(max)d years old.") % {
            "min": MIN_AGE,
            "max": MAX_AGE,
        }
    in_post_since: datetime.date = details["in_post_since"]
    if in_post_since > today:
        errors["in_post_since"] = _("The date in post cannot be in the future.")
    elif _age_on(birth_date, in_post_since) < 16:
        errors["in_post_since"] = _("The date in post is too early for the birth date.")
    others = Cadre.objects.exclude(pk=cadre.pk) if cadre is not None else Cadre.objects.all()
    if others.filter(mobile=details["mobile"]).exists():
        errors["mobile"] = _(
            "Another cadre's record already has this mobile number: each person has one record. "
            "Look the cadre up in the list, or check the number."
        )
    if user is not None and others.filter(user=user).exists():
        errors["user"] = _("This portal account is already linked to another cadre.")
    if errors:
        raise ValidationError(errors)


def _normalised(details: dict) -> dict:
    details = dict(details)
    for field in ("name", "post"):
        details[field] = " ".join(str(details[field]).split())
    return details


@transaction.atomic
def cadre_create(*, by, user: User | None = None, **details) -> Cadre:
    """A new cadre at a node of the officer's subtree, optionally linked to a portal account."""
    details = _normalised({field: details[field] for field in DETAIL_FIELDS})
    _check_details(details=details, user=user, by=by)
    try:
        with transaction.atomic():
            cadre = Cadre.objects.create(user=user, **details)
    except IntegrityError:  # another officer saved the same number or account a moment ago
        raise ValidationError(_("Another cadre's record already has this mobile number or portal account.")) from None
    audit.record(kinds.CADRE_CREATED, actor=by, union=cadre.union, target=cadre)
    if user is not None:
        transaction.on_commit(lambda: forget_cadre_record(user.pk))
    return cadre


@transaction.atomic
def cadre_update(*, cadre: Cadre, by, user=_unset, **details) -> list[str]:
    """Correct a cadre's facts; returns the names of the fields changed (empty: nothing to save).

    A move to another post is better recorded as a rotation, which keeps the history; this corrects
    what was written wrongly. ``user`` links (an account), unlinks (None) or, left out, keeps."""
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("union").get(pk=cadre.pk)
    if not can_manage_cadre(by, cadre):
        raise PermissionDenied
    current = {field: getattr(cadre, field) for field in DETAIL_FIELDS}
    details = _normalised({field: details.get(field, current[field]) for field in DETAIL_FIELDS})
    new_user = cadre.user if user is _unset else user
    _check_details(details=details, user=new_user, by=by, cadre=cadre)
    changed = [field for field in DETAIL_FIELDS if details[field] != current[field]]
    old_user_id, new_user_id = cadre.user_id, (new_user.pk if new_user else None)
    if new_user_id != old_user_id:
        changed.append("user")
    if not changed:
        return []
    for field in DETAIL_FIELDS:
        setattr(cadre, field, details[field])
    cadre.user = new_user
    try:
        with transaction.atomic():
            cadre.save(update_fields=[*changed, "updated_at"])
    except IntegrityError:
        raise ValidationError(_("Another cadre's record already has this mobile number or portal account.")) from None
    # The names of the fields only: the audit trail keeps no mobile number.
    audit.record(kinds.CADRE_EDITED, actor=by, union=cadre.union, target=cadre, detail={"fields": changed})
    if "user" in changed:
        transaction.on_commit(lambda: forget_cadre_record(old_user_id, new_user_id))
    return changed


LEAVING_STATUSES = (Cadre.Status.LEFT, Cadre.Status.RETIRED)


@transaction.atomic
def cadre_set_status(*, cadre: Cadre, status: str, on: datetime.date, by) -> Cadre:
    """The cadre leaves or retires on a date; the record stays, out of the lists of cadres in post."""
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("union").get(pk=cadre.pk)
    if not can_manage_cadre(by, cadre):
        raise PermissionDenied
    if status not in LEAVING_STATUSES:
        raise ValidationError({"status": _("Choose whether the cadre left or retired.")})
    if not cadre.in_post:
        raise ValidationError(_("This cadre is no longer in post."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if on < cadre.in_post_since:
        raise ValidationError(
            {
                "on": _("The date cannot be before the cadre took up the post (%(date)s).")
                % {"date": cadre.in_post_since.isoformat()}
            }
        )
    cadre.status, cadre.status_changed_on = status, on
    cadre.save(update_fields=["status", "status_changed_on", "updated_at"])
    audit.record(kinds.CADRE_STATUS_CHANGED, actor=by, union=cadre.union, target=cadre, detail={"status": status})
    return cadre


@transaction.atomic
def rotation_record(
    *, cadre: Cadre, on_date: datetime.date, to_union: Union, to_post: str, to_rank: str, by, note: str = ""
) -> Rotation:
    """轮岗交流: the cadre moves to another post (and node, and rank) on a date.

    Refused for a node outside the officer's subtree, a date before the current post began, and a
    promotion while the latest political-quality assessment is 不合格 (一票否决)."""
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("union").get(pk=cadre.pk)
    if not can_manage_cadre(by, cadre):
        raise PermissionDenied
    if not cadre.in_post:
        raise ValidationError(_("Only a cadre in post can move to another post."))
    to_post = " ".join(to_post.split())
    errors: dict[str, str] = {}
    if not can_manage(by, to_union):
        errors["to_union"] = _("Choose a node in your own part of the tree.")
    elif to_union.is_closed:
        errors["to_union"] = _("This node is closed: choose an open one.")
    if to_rank not in Rank.values:
        errors["to_rank"] = _("Choose a rank.")
    if not to_post:
        errors["to_post"] = _("Enter the new post.")
    if on_date < cadre.in_post_since:
        errors["on_date"] = _("The date cannot be before the cadre took up the current post (%(date)s).") % {
            "date": cadre.in_post_since.isoformat()
        }
    elif on_date > timezone.localdate():
        errors["on_date"] = _("Record a move once it has happened: the date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    if to_union.pk == cadre.union_id and to_post == cadre.post and to_rank == cadre.rank:
        raise ValidationError(_("The new post, node and rank are the same as the current ones."))
    if is_promotion(cadre.rank, to_rank) and political_veto(cadre):
        raise ValidationError(
            {
                "to_rank": _(
                    "The latest political-quality assessment of this cadre is Unqualified: a promotion is "
                    "refused (one-vote veto). A move at the same rank or below is still possible."
                )
            }
        )
    rotation = Rotation.objects.create(
        cadre=cadre,
        on_date=on_date,
        from_union=cadre.union,
        from_post=cadre.post,
        from_rank=cadre.rank,
        to_union=to_union,
        to_post=to_post,
        to_rank=to_rank,
        note=" ".join(note.split()),
        recorded_by=by,
    )
    old_union = cadre.union
    cadre.union, cadre.post, cadre.rank, cadre.in_post_since = to_union, to_post, to_rank, on_date
    cadre.save(update_fields=["union", "post", "rank", "in_post_since", "updated_at"])
    audit.record(
        kinds.ROTATION_RECORDED,
        actor=by,
        union=to_union,
        target=cadre,
        detail={
            "from_union": old_union.pk,
            "to_union": to_union.pk,
            "from_rank": rotation.from_rank,
            "to_rank": to_rank,
        },
    )
    return rotation


@transaction.atomic
def political_review_record(
    *,
    cadre: Cadre,
    assessed_on: datetime.date,
    conclusion: str,
    by,
    issues_found: str = "",
    measures: str = "",
    feedback: str = "",
    feedback_given_on: datetime.date | None = None,
) -> PoliticalReview:
    """One dated entry of the political-quality file. An Unqualified conclusion names the issues."""
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("union").get(pk=cadre.pk)
    if not can_manage_cadre(by, cadre):
        raise PermissionDenied
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if conclusion not in PoliticalConclusion.values:
        errors["conclusion"] = _("Choose a conclusion.")
    if assessed_on > today:
        errors["assessed_on"] = _("The date cannot be in the future.")
    if conclusion in (PoliticalConclusion.FAIL, PoliticalConclusion.BASIC) and not issues_found.strip():
        errors["issues_found"] = _("Say which issues were found: the conclusion is below Qualified.")
    if feedback_given_on is not None:
        if feedback_given_on < assessed_on:
            errors["feedback_given_on"] = _("Feedback cannot be given before the assessment.")
        elif feedback_given_on > today:
            errors["feedback_given_on"] = _("The date cannot be in the future.")
        elif not feedback.strip():
            errors["feedback"] = _("Write the feedback that was given on that date.")
    if errors:
        raise ValidationError(errors)
    review = PoliticalReview.objects.create(
        cadre=cadre,
        assessed_on=assessed_on,
        conclusion=conclusion,
        issues_found=issues_found.strip(),
        measures=measures.strip(),
        feedback=feedback.strip(),
        feedback_given_on=feedback_given_on,
        recorded_by=by,
    )
    audit.record(
        kinds.POLITICAL_REVIEW_RECORDED,
        actor=by,
        union=cadre.union,
        target=cadre,
        detail={"review": review.pk, "conclusion": conclusion},
    )
    return review


@transaction.atomic
def cadre_settings_update(*, by, rotation_due_years: int, excellent_share_percent: int) -> CadreSettings:
    """The city-wide settings: years in post before rotation is due, the share of 优秀 grades."""
    if not can_change_settings(by):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not 1 <= rotation_due_years <= 30:
        errors["rotation_due_years"] = _("Between 1 and 30 years.")
    if not 0 <= excellent_share_percent <= 100:
        errors["excellent_share_percent"] = _("Between 0 and 100 per cent.")
    if errors:
        raise ValidationError(errors)
    CadreSettings.current()
    row = CadreSettings.objects.select_for_update().get(pk=1)
    before = {"rotation_due_years": row.rotation_due_years, "excellent_share_percent": row.excellent_share_percent}
    after = {"rotation_due_years": rotation_due_years, "excellent_share_percent": excellent_share_percent}
    if before == after:
        return row
    row.rotation_due_years, row.excellent_share_percent, row.updated_by = (
        rotation_due_years,
        excellent_share_percent,
        by,
    )
    row.save(update_fields=["rotation_due_years", "excellent_share_percent", "updated_by", "updated_at"])
    audit.record(kinds.SETTINGS_CHANGED, actor=by, target=row, detail={"before": before, "after": after})
    return row
