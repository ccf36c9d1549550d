"""Attendance pages: the officer's table of a class day, the QR poster shown in the room, and the page
the code opens on the cadre's phone (sign in, later sign out, or why not)."""

import datetime
from decimal import Decimal

from allauth.core.exceptions import RateLimited
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ...decorators import cadre_officer_required
from ...forms.training import AttendanceDayForm
from ...models import Attendance, Enrolment, TrainingClass
from ...permissions import own_cadre
from ...qr import qr_svg
from ...services import training as services
from .classes import class_or_404, errors_text

# The QR check-in, per account and per IP; a rate in THROTTLE_RATES["cadre_check_in"] wins.
CHECK_IN_RATE = "20/m/user,120/m/ip"


# --- the officer's attendance table --------------------------------------------------------------
def _class_days(training_class: TrainingClass) -> list[datetime.date]:
    return [training_class.starts_on + datetime.timedelta(days=n) for n in range(training_class.days)]


def _chosen_day(training_class: TrainingClass, value) -> datetime.date | None:
    """The day asked for (``?day=``); without one, today during the class, else its first day."""
    if value:
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            return None
    today = timezone.localdate()
    return today if training_class.starts_on <= today <= training_class.ends_on else training_class.starts_on


@never_cache
@cadre_officer_required
def class_attendance(request, pk):
    training_class = class_or_404(request, pk)
    day = _chosen_day(training_class, request.POST.get("day") or request.GET.get("day"))
    days = _class_days(training_class)
    if day not in days:
        messages.error(
            request,
            _("That day is not a day of this class (%(start)s to %(end)s).")
            % {"start": training_class.starts_on.isoformat(), "end": training_class.ends_on.isoformat()},
        )
        return redirect("cadres:class_attendance", pk=training_class.pk)
    enrolments = list(
        training_class.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .select_related("cadre__union")
        .order_by("cadre__union__path", "cadre__name", "pk")
    )
    rows_of_day = {a.enrolment_id: a for a in Attendance.objects.filter(enrolment__in=enrolments, on_date=day)}
    editable = training_class.status in services.ACTIVE_STATUSES
    status = 200
    saved_ok = False
    forms = []
    for enrolment in enrolments:
        attendance = rows_of_day.get(enrolment.pk)
        initial = {
            "signed_in": bool(attendance and attendance.signed_in_at),
            "signed_out": bool(attendance and attendance.signed_out_at),
            "absent_hours": enrolment.absent_hours,
        }
        data = request.POST if request.method == "POST" else None
        form = AttendanceDayForm(data, initial=initial, prefix=f"c{enrolment.cadre_id}")
        forms.append((enrolment, attendance, form))
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This class is finished or cancelled: its attendance can no longer change."))
            return redirect("cadres:class_attendance", pk=training_class.pk)
        if all(form.is_valid() for _e, _a, form in forms):
            marks = {
                enrolment.cadre_id: services.Mark(
                    signed_in=form.cleaned_data["signed_in"],
                    signed_out=form.cleaned_data["signed_out"],
                    absent_hours=form.cleaned_data["absent_hours"]
                    if form.cleaned_data["absent_hours"] is not None
                    else Decimal(0),
                )
                for enrolment, _a, form in forms
            }
            marks.update(_extra_marks(request, marks))
            try:
                services.attendance_record(training_class=training_class, on_date=day, marks=marks, by=request.user)
            except ValidationError as exc:
                messages.error(request, errors_text(exc))
                status = 400
            else:
                saved_ok = True
        else:
            status = 400
        if saved_ok:
            messages.success(request, _("The attendance of %(day)s was saved.") % {"day": day.isoformat()})
            return redirect(f"{reverse('cadres:class_attendance', args=[training_class.pk])}?day={day.isoformat()}")
    context = {
        "training_class": training_class,
        "day": day,
        "days": days,
        "forms": forms,
        "editable": editable,
        "present": sum(1 for _e, a, _f in forms if a and a.signed_in_at),
    }
    return render(request, "cadres/training/class_attendance.html", context, status=status)


def _extra_marks(request, marks: dict) -> dict:
    """Cadres named in the POST who are not in the table (not enrolled, or a forged field): passed on to
    the service, which refuses them with a message instead of silently dropping them."""
    extra = {}
    for key in request.POST:
        if key.startswith("c") and key.endswith("-signed_in"):
            cadre_id = key[1 : -len("-signed_in")]
            if cadre_id.isdigit() and int(cadre_id) not in marks:
                extra[int(cadre_id)] = services.Mark(signed_in=True)
    return extra


# --- the QR poster and the check-in --------------------------------------------------------------
def check_in_url(training_class: TrainingClass) -> str:
    """The absolute address the class's code carries, at the portal's public address (SITE_URL)."""
    return f"{settings.SITE_URL}{reverse('cadres:check_in', args=[training_class.qr_token])}"


@never_cache
@cadre_officer_required
def class_qr(request, pk):
    training_class = class_or_404(request, pk)
    url = check_in_url(training_class)
    context = {
        "training_class": training_class,
        "url": url,
        "qr": qr_svg(url),
        "active": training_class.status in services.ACTIVE_STATUSES,
    }
    return render(request, "cadres/training/class_qr.html", context)


@require_POST
@cadre_officer_required
def class_qr_renew(request, pk):
    training_class = class_or_404(request, pk)
    try:
        services.class_qr_renew(training_class=training_class, by=request.user)
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    else:
        messages.success(request, _("A new code was made. The old one no longer works: show this one in the room."))
    return redirect("cadres:class_qr", pk=training_class.pk)


def _throttle_check_in(request) -> None:
    rate = settings.THROTTLE_RATES.get("cadre_check_in", CHECK_IN_RATE)
    if not request.user.is_authenticated:  # an anonymous visitor is counted per IP only
        rate = ",".join(part for part in rate.split(",") if not part.strip().endswith("/user"))
    allowed = ratelimit.consume(
        request, app="portal", action="cadre_check_in", config={"cadre_check_in": rate}, limit_get=True
    )
    if not allowed:
        raise RateLimited


@never_cache
def check_in(request, token):
    """The page the class's code opens on the cadre's phone: sign in, later sign out, or why not.

    Scanning (GET) only shows what the button will do; the button (POST) does it, so a page reloaded or
    scanned twice by mistake does not sign the cadre out. A visitor who is not signed in is sent to sign
    in and comes back here."""
    _throttle_check_in(request)
    if not request.user.is_authenticated:
        # Before anything about the class is looked up: the code tells a visitor nothing, valid or not.
        messages.info(request, _("Sign in to your account to check in; you come back to the class's page afterwards."))
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    training_class = TrainingClass.objects.select_related("organiser").filter(qr_token=token).first()
    context = {"training_class": training_class, "token": token}
    if training_class is None:
        context["invalid"] = True
        return render(request, "cadres/training/check_in.html", context, status=404)
    cadre = own_cadre(request.user)
    if request.method == "POST":
        try:
            attendance = services.class_check_in(token=token, user=request.user)
        except ValidationError as exc:
            messages.error(request, errors_text(exc))
        else:
            when = timezone.localtime(attendance.signed_out_at or attendance.signed_in_at)
            if attendance.signed_out_at:
                messages.success(request, _("Signed out at %(time)s. Thank you.") % {"time": f"{when:%H:%M}"})
            else:
                messages.success(request, _("Signed in at %(time)s.") % {"time": f"{when:%H:%M}"})
        return redirect("cadres:check_in", token=token)
    state = services.check_in_state(training_class, cadre, timezone.localdate())
    context.update(
        {
            "cadre": cadre,
            "state": state,
            "refusal": services.check_in_refusal(state, training_class),
            "attendance": state.attendance,
        }
    )
    return render(request, "cadres/training/check_in.html", context)
