"""Talk pages: the list (no content), a new talk, the talk (read recorded), editing a draft, filing it,
adding a correction, closing it, setting a rectification item.

The list and the new talk are for discipline officers (anyone else: 404). A talk's own pages are also
its recorder's, whatever roles they hold now (``recorder_or_officer``): the talk is fetched through
``selectors.talks_visible_to`` (a draft: its recorder alone; otherwise officers over the cadre and the
recorder) and answers 404 outside it, so for anyone else, a city admin included, they do not exist. The services check the rules again and say what is refused.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.pagination import page_number
from unions.selectors import get_visible_or_404

from .. import permissions, selectors, trail
from ..decorators import discipline_officer_required
from ..filters import TalkFilter
from ..forms.talks import CorrectionForm, FileForm, RectificationForm, TalkForm
from ..models import Talk
from ..services import rectifications as rectification_services
from ..services import talks as services

PER_PAGE = 30
PICKER_LIMIT = 20


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def recorder_or_officer(view):
    """Signed in; the talk's queryset decides (``talks_visible_to``): a recorder who holds no discipline
    officer's role now still reaches the talks they recorded, and nobody else reaches any."""
    return login_required(view)


def _talk(request, pk) -> Talk:
    return get_visible_or_404(selectors.talks_visible_to(request.user), pk)


@never_cache
@discipline_officer_required
def talk_list(request):
    # No content on a list: the encrypted fields are neither read nor decrypted.
    talks = (
        selectors.talks_visible_to(request.user)
        .defer("reason", "content", "statement", "opinion")
        .order_by("-held_on", "-pk")
    )
    found = TalkFilter(request.GET or None, queryset=talks, user=request.user)
    page = Paginator(found.qs, PER_PAGE).get_page(page_number(request.GET.get("page")))
    return render(request, "integrity/talks/talk_list.html", {"filter": found, "page": page, "rows": page.object_list})


def _pick_cadre(request):
    """The cadre named by ``?cadre=`` (404 outside scope), or None with the search's matches."""
    in_scope = selectors.cadres_in_scope(request.user)
    pk = request.POST.get("cadre") or request.GET.get("cadre")
    if pk:
        return get_visible_or_404(in_scope, pk), []
    search = (request.GET.get("q") or "").strip()[:50]
    found = list(in_scope.filter(name__contains=search).order_by("name", "pk")[:PICKER_LIMIT]) if search else []
    return None, found


@never_cache
@discipline_officer_required
def talk_create(request):
    cadre, found = _pick_cadre(request)
    if cadre is None:
        return render(
            request,
            "integrity/talks/talk_pick.html",
            {"found": found, "q": (request.GET.get("q") or "").strip()[:50]},
        )
    left = cadre.status != cadre.Status.IN_POST
    if request.method == "POST" and not left:
        form = TalkForm(request.POST)
        if form.is_valid():
            try:
                talk = services.talk_create(cadre=cadre, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The talk was saved as a draft: only you see it until you file it."))
                return redirect("integrity:talk_detail", talk.pk)
        status = 400
    else:
        form = TalkForm(initial={"held_on": timezone.localdate()})
        status = 400 if request.method == "POST" else 200
    if left:
        messages.error(
            request, _("%(name)s has left: no new talk is recorded with a cadre who has left.") % {"name": cadre.name}
        )
    return render(
        request, "integrity/talks/talk_form.html", {"form": form, "cadre": cadre, "left": left}, status=status
    )


@never_cache
@recorder_or_officer
def talk_detail(request, pk):
    talk = _talk(request, pk)
    trail.record_read(request, talk)
    user = request.user
    filed = talk.status != Talk.Status.DRAFT
    officer = permissions.can_manage_cadre(user, talk.cadre)
    context = {
        "talk": talk,
        "corrections": list(talk.corrections.select_related("by")),
        "items": list(talk.rectifications.select_related("struck_off_by")),
        "today": timezone.localdate(),
        "can_edit": permissions.can_edit_talk(user, talk),
        "can_correct": permissions.can_correct_talk(user, talk),
        "can_rectify": filed and talk.status != Talk.Status.CLOSED and permissions.can_correct_talk(user, talk),
        "can_close": talk.status == Talk.Status.FILED and officer,
        "filing_errors": services.filing_errors(talk) if not filed else {},
        "file_form": FileForm(),
        "officer_pages": permissions.is_discipline_officer(user),
    }
    return render(request, "integrity/talks/talk_detail.html", context)


@never_cache
@recorder_or_officer
def talk_edit(request, pk):
    talk = _talk(request, pk)
    if talk.status != Talk.Status.DRAFT:
        messages.error(request, services.filed_talk_message())
        return redirect("integrity:talk_detail", talk.pk)
    if not permissions.is_recorder(request.user, talk):
        raise Http404
    if request.method == "POST":
        form = TalkForm(request.POST)
        if form.is_valid():
            try:
                services.talk_update(talk=talk, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("integrity:talk_detail", talk.pk)
        status = 400
    else:
        form = TalkForm(initial={name: getattr(talk, name) for name in services.FIELDS_WITH_FORM})
        status = 200
    # The form shows the draft's content: a read like the talk's page.
    trail.record_read(request, talk)
    return render(
        request, "integrity/talks/talk_form.html", {"form": form, "cadre": talk.cadre, "talk": talk}, status=status
    )


@require_POST
@recorder_or_officer
def talk_file(request, pk):
    talk = _talk(request, pk)
    form = FileForm(request.POST)
    register = form.is_valid() and form.cleaned_data["register"]
    try:
        services.talk_file(talk=talk, by=request.user, register=register)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The talk was filed. From now on it is corrected by addition, never edited."))
    return redirect("integrity:talk_detail", talk.pk)


@require_POST
@recorder_or_officer
def talk_close(request, pk):
    talk = _talk(request, pk)
    try:
        services.talk_close(talk=talk, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The talk was closed."))
    return redirect("integrity:talk_detail", talk.pk)


@never_cache
@recorder_or_officer
def talk_correct(request, pk):
    talk = _talk(request, pk)
    if not permissions.can_correct_talk(request.user, talk):
        if talk.status == Talk.Status.DRAFT:
            messages.error(request, _("A draft is changed by editing it; corrections are for filed talks."))
            return redirect("integrity:talk_detail", talk.pk)
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.talk_correct(talk=talk, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The correction was added; the talk as filed is kept."))
            return redirect("integrity:talk_detail", talk.pk)
    context = {
        "form": form,
        "talk": talk,
        "title": _("Add a correction"),
        "submit_label": _("Add the correction"),
        "cancel_url": reverse("integrity:talk_detail", args=[talk.pk]),
    }
    return render(
        request, "integrity/talks/talk_subform.html", context, status=400 if request.method == "POST" else 200
    )


@never_cache
@recorder_or_officer
def rectification_create(request, pk):
    talk = _talk(request, pk)
    if talk.status in (Talk.Status.DRAFT, Talk.Status.CLOSED) or not permissions.can_correct_talk(request.user, talk):
        messages.error(request, _("Rectification items are set on filed talks that are not closed."))
        return redirect("integrity:talk_detail", talk.pk)
    form = RectificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rectification_services.rectification_create(talk=talk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The rectification item was set."))
            return redirect("integrity:talk_detail", talk.pk)
    context = {
        "form": form,
        "talk": talk,
        "title": _("Set a rectification item"),
        "submit_label": _("Set the item"),
        "cancel_url": reverse("integrity:talk_detail", args=[talk.pk]),
    }
    return render(
        request, "integrity/talks/talk_subform.html", context, status=400 if request.method == "POST" else 200
    )
