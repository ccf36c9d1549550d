"""The public notice (公示) and its objection form: no sign-in, phone-first, throttled per IP.

The notice shows each listed nominee's name, sex, unit, post, honour and a summary of the deeds, and
nothing else: no birth date, ID number, mobile or member number is even read. An unknown token answers
the same 404 as any unknown page. The objection form takes a real name, a mobile confirmed by an SMS
code, one of the listed nominees and the facts; what it answers never depends on who the nominee is.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.pagination import page_number
from accounts.phone import mask_mobile
from accounts.throttle import throttle
from members.models import Sex

from ..form_errors import apply_errors
from ..forms.notices import ObjectionForm
from ..models import PublicNotice
from ..public_text import mask_numbers
from ..services import objections as services

TOKEN_MAX = 32
DEEDS_SUMMARY = 200
# A city's notice lists hundreds: a hundred a page keeps the page light on a phone.
NOMINEES_PER_PAGE = 100


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    # "same-origin", not "no-referrer": Chromium sends "Origin: null" with a form posted under
    # no-referrer, and Django's CSRF check refuses it. The token never leaves the site either way.
    response["Referrer-Policy"] = "same-origin"
    return response


def _notice_or_404(token: str) -> PublicNotice:
    notice = (
        PublicNotice.objects.select_related("round__organiser")
        .only(
            "id",
            "title",
            "contact",
            "published_on",
            "working_days",
            "first_day",
            "last_day",
            "token",
            "round__title",
            "round__organiser__name",
        )
        .filter(token=(token or "")[:TOKEN_MAX])
        .first()
    )
    if notice is None:
        raise Http404
    return notice


def _listed(notice: PublicNotice):
    return services.listed_nominations(notice).order_by("kind__order", "kind_id", "id")


def _nominees(notice: PublicNotice) -> list[dict]:
    """The objection form's choices: the listed nominees' names and units."""
    return list(_listed(notice).values("pk", "nominee_name", "unit_name"))


def _period(notice: PublicNotice) -> tuple[str, str]:
    """The notice's first and last day as a reader writes them: 2026年9月30日 and 10月12日 (no year twice)."""
    first = date_format(notice.first_day, "DATE_FORMAT")
    if notice.first_day.year == notice.last_day.year:
        return first, date_format(notice.last_day, pgettext("a date within the same year", "F j"))
    return first, date_format(notice.last_day, "DATE_FORMAT")


def _state(notice: PublicNotice) -> dict:
    today = timezone.localdate()
    first, last = _period(notice)
    return {
        "first_label": first,
        "last_label": last,
        "not_started": today < notice.first_day,
        "running": notice.is_running(today),
        "ended": notice.has_ended(today),
    }


@require_safe
@never_cache
def public_notice(request, token):
    throttle(request, "notice_public")
    notice = _notice_or_404(token)
    sexes = dict(Sex.choices)
    # Only what the page shows is read.
    rows = _listed(notice).values("nominee_name", "sex", "unit_name", "post", "kind__name", "deeds")
    page = Paginator(rows, NOMINEES_PER_PAGE).get_page(page_number(request.GET.get("page")))
    nominees = [
        {
            "name": row["nominee_name"],
            "sex": sexes.get(row["sex"], ""),
            "unit": row["unit_name"],
            "post": row["post"],
            "honour": row["kind__name"],
            "deeds": Truncator(mask_numbers(" ".join(row["deeds"].split()))).chars(DEEDS_SUMMARY),
        }
        for row in page.object_list
    ]
    context = {"notice": notice, "nominees": nominees, "page": page, **_state(notice)}
    return _private(render(request, "campaigns/honours/public/notice.html", context))


def _form_page(request, notice, form, *, sent_to: str = "", status: int = 200):
    context = {"notice": notice, "form": form, "sent_to": sent_to, **_state(notice)}
    return _private(render(request, "campaigns/honours/public/objection_form.html", context, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def objection_form(request, token):
    """Object to a listed nominee under a real name; after the notice's end the objection is still
    taken, marked late."""
    throttle(request, "objection_submit" if request.method == "POST" else "notice_public")
    notice = _notice_or_404(token)
    form = ObjectionForm(request.POST or None, nominees=_nominees(notice))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection = services.objection_submit(
                notice=notice,
                name=data["name"],
                mobile=data["mobile"],
                nomination_id=data["nomination"],
                facts=data["facts"],
                code=data["code"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            context = {"notice": notice, "late": objection.late}
            return _private(render(request, "campaigns/honours/public/objection_done.html", context))
    return _form_page(request, notice, form, status=400 if request.method == "POST" else 200)


@require_POST
@never_cache
def objection_code(request, token):
    """Send the code to the mobile typed in the form (the form's other fields are kept as typed).
    Throttled per IP and per mobile."""
    throttle(request, "objection_code")
    notice = _notice_or_404(token)
    form = ObjectionForm(request.POST, nominees=_nominees(notice))
    mobile_field = form.fields["mobile"]
    try:
        mobile = mobile_field.clean(request.POST.get("mobile", ""))
    except ValidationError as exc:
        form.is_valid()
        form.errors.clear()
        form.add_error("mobile", exc)
        return _form_page(request, notice, form, status=400)
    throttle(request, "objection_code_mobile", key=services.mobile_key(mobile))
    form.is_valid()
    form.errors.clear()
    try:
        services.objection_code_send(notice=notice, mobile=mobile)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _form_page(request, notice, form, status=400)
    return _form_page(request, notice, form, sent_to=mask_mobile(mobile))
