"""The worker's side of joining: consent, the application, its progress, corrections and transfers.

Every page belongs to the signed-in worker: objects come from the worker's own records
(``selectors.applications_of`` and friends), so somebody else's application answers 404. No page
holds a full ID number: a typed one is never written back (``IdNumberInput``), stored ones are masked.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.audit import client_ip
from accounts.throttle import throttle

from .. import selectors, services
from ..forms.joining import ApplicationForm, ConsentForm, CorrectionForm, TransferRequestForm, UnionSearchForm
from ..id_number import parse, upgrade_notice
from ..models import Application, Consent, Transfer

# The consent given at step 1, for step 2 of the same session.
CONSENT_SESSION_KEY = "members_join_consent"
# The id of the form the union radio buttons belong to (they sit outside it, next to the search box).
UNION_FORM_ID = "union-form"


def _has_open_application(user) -> bool:
    return selectors.applications_of(user).filter(status__in=Application.OPEN_STATUSES).exists()


def _elsewhere(request):
    """Members and workers with an application under way go to their status page instead of joining."""
    member = selectors.membership_of(request.user)
    if member is not None:
        messages.info(
            request,
            _("You are already a member of %(union)s. To move to another union, ask for a transfer.")
            % {"union": member.union.name},
        )
        return redirect("members:my_application")
    if _has_open_application(request.user):
        messages.info(request, _("You have already applied: here is the progress of your application."))
        return redirect("members:my_application")
    return None


def _session_consent(request) -> Consent | None:
    """The consent this user gave in this session to the current text, if any."""
    pk = request.session.get(CONSENT_SESSION_KEY)
    if pk is None:
        return None
    return Consent.objects.filter(pk=pk, user=request.user, text_version=services.CONSENT_TEXT_VERSION).first()


def _union_choice_context(typed: str, selected=None, *, with_platform: bool = True) -> dict:
    """The search results for the text typed, and the list of federations for workers whose employer has
    no union. Text that cannot be searched for gets a message instead of results."""
    search = UnionSearchForm({"q": typed})
    query = search.cleaned_data["q"] if search.is_valid() else ""
    platform = selectors.with_area(list(selectors.platform_unions())) if with_platform else []
    if query:
        results = selectors.with_area(selectors.unions_taking_applications(query))
    elif selected is not None and selected.pk not in {u.pk for u in platform}:
        results = selectors.with_area([selected])  # keep the choice visible after an error
    else:
        results = []
    return {
        "query": query,
        "query_errors": search.errors.get("q", []),
        "searched": len(query) >= 2,
        "results": results,
        "platform_unions": platform,
        "selected": selected,
        "union_form_id": UNION_FORM_ID,
    }


def _selected_union(form):
    return getattr(form, "cleaned_data", {}).get("union") if form.is_bound else None


# --- step 1: what joining means, and consent ------------------------------------------------------
@method_decorator([login_required, never_cache], name="dispatch")
class JoinView(View):
    template_name = "members/join/start.html"

    def _render(self, request, form, status=200):
        context = {
            "form": form,
            "consent_version": services.CONSENT_TEXT_VERSION,
            "consent_template": f"members/join/consent_{services.CONSENT_TEXT_VERSION}.html",
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return _elsewhere(request) or self._render(request, ConsentForm())

    def post(self, request):
        if response := _elsewhere(request):
            return response
        form = ConsentForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["agree"][0])
            return self._render(request, form, status=400)
        consent = services.consent_give(user=request.user, ip=client_ip(request))
        request.session[CONSENT_SESSION_KEY] = consent.pk
        return redirect("members:join_apply")


# --- step 2: the application ------------------------------------------------------------------------
def _apply_page(request, form, query: str = "", status: int = 200):
    context = {"form": form, **_union_choice_context(query, _selected_union(form))}
    return render(request, "members/join/apply.html", context, status=status)


def _apply_gate(request):
    """Where the worker must go instead of the application form, if anywhere."""
    if response := _elsewhere(request):
        return response, None
    consent = _session_consent(request)
    if consent is None:
        messages.info(request, _("Please read the consent text and agree to it first."))
        return redirect("members:join"), None
    return None, consent


def _blank_application_form(user) -> ApplicationForm:
    return ApplicationForm(initial={"name": user.name, "mobile": user.phone or ""})


@method_decorator([login_required, never_cache], name="dispatch")
class JoinApplyView(View):
    def get(self, request):
        response, _consent = _apply_gate(request)
        return response or _apply_page(request, _blank_application_form(request.user))

    def post(self, request):
        throttle(request, "join")
        response, consent = _apply_gate(request)
        if response:
            return response
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                result = services.application_submit(
                    applicant=request.user,
                    union=form.cleaned_data["union"],
                    consent=consent,
                    number=form.cleaned_data["id_number"],
                    details=form.details(),
                )
            except ValidationError as exc:
                if _has_open_application(request.user):
                    # A double submit that raced the first one: that one is being processed.
                    messages.info(request, _("You have already applied: here is the progress of your application."))
                    return redirect("members:my_application")
                form.add_error(None, exc)
            else:
                request.session.pop(CONSENT_SESSION_KEY, None)
                if notice := upgrade_notice(form.cleaned_data["id_number"]):
                    messages.info(request, notice)
                if isinstance(result, Transfer):
                    messages.warning(
                        request,
                        _(
                            "This ID number belongs to an active member of another union, and a person can be a "
                            "member of one union only. Instead of a new membership, a transfer to %(union)s was "
                            "requested: the current union releases the member, then %(union)s accepts."
                        )
                        % {"union": result.to_union.name},
                    )
                else:
                    messages.success(
                        request,
                        _("Your application to %(union)s was sent. You will be told of the decision by SMS.")
                        % {"union": result.union.name},
                    )
                return redirect("members:my_application")
        return _apply_page(request, form, status=400)


@method_decorator([login_required, never_cache, vary_on_headers("HX-Request")], name="dispatch")
class UnionSearchView(View):
    """Search-as-you-type for the union to join. With htmx: the results only; without: the whole form."""

    def get(self, request):
        throttle(request, "union_search")
        query = request.GET.get("q", "")
        if request.htmx:
            context = _union_choice_context(query, with_platform=False)
            return render(request, "members/join/_union_results.html", context)
        response, _consent = _apply_gate(request)
        return response or _apply_page(request, _blank_application_form(request.user), query)


# --- the worker's status page ----------------------------------------------------------------------
@login_required
@never_cache
def my_application(request):
    member = selectors.membership_of(request.user)
    transfers = list(selectors.transfers_of(request.user)[:20])
    for transfer in transfers:
        # Somebody who typed another person's ID number learns nothing of that person's union.
        transfer.show_from = transfer.member.user_id == request.user.pk
    context = {
        "member": member,
        "card": selectors.card_of(member) if member else None,
        "applications": list(selectors.applications_of(request.user)[:20]),
        "transfers": transfers,
    }
    return render(request, "members/join/status.html", context)


@login_required
@require_POST
def application_withdraw(request, pk):
    application = selectors.application_get_own(request.user, pk)
    try:
        services.application_withdraw(application=application, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("members:my_application")


@method_decorator([login_required, never_cache], name="dispatch")
class ApplicationCorrectView(View):
    template_name = "members/join/correct.html"

    def _application(self, request, pk):
        application = selectors.application_get_own(request.user, pk)
        if application.status != Application.Status.NEEDS_CORRECTION:
            messages.info(request, _("This application is not waiting for a correction."))
            return application, redirect("members:my_application")
        return application, None

    def get(self, request, pk):
        application, response = self._application(request, pk)
        if response:
            return response
        initial = {field: getattr(application, field) for field in services.DETAIL_FIELDS}
        form = CorrectionForm(initial=initial, id_masked=application.id_masked)
        return render(request, self.template_name, {"form": form, "application": application})

    def post(self, request, pk):
        throttle(request, "join")
        application, response = self._application(request, pk)
        if response:
            return response
        form = CorrectionForm(request.POST, id_masked=application.id_masked)
        if form.is_valid():
            # An empty ID field keeps the number on file; it is read back here, never sent to the page.
            number = form.cleaned_data["id_number"] or parse(application.reveal_id_number())
            try:
                services.application_correct(
                    application=application, by=request.user, number=number, details=form.details()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Your corrected application was sent back to %(union)s.") % {"union": application.union.name},
                )
                return redirect("members:my_application")
        return render(request, self.template_name, {"form": form, "application": application}, status=400)


# --- a member asks to move ------------------------------------------------------------------------
@method_decorator([login_required, never_cache], name="dispatch")
class MyTransferView(View):
    template_name = "members/join/transfer.html"

    def _member(self, request):
        member = selectors.membership_of(request.user)
        if member is None:
            messages.info(request, _("Only an active member can ask to move to another union."))
        return member

    def _render(self, request, member, form, query="", status=200):
        context = {
            "member": member,
            "form": form,
            "open_transfer": selectors.transfers_of(request.user)
            .filter(member=member, status__in=Transfer.OPEN_STATUSES)
            .first(),
            **_union_choice_context(query, _selected_union(form)),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        query = request.GET.get("q", "")
        if query:
            throttle(request, "union_search")
        member = self._member(request)
        if member is None:
            return redirect("members:my_application")
        return self._render(request, member, TransferRequestForm(), query)

    def post(self, request):
        member = self._member(request)
        if member is None:
            return redirect("members:my_application")
        form = TransferRequestForm(request.POST)
        if form.is_valid():
            to_union = form.cleaned_data["union"]
            try:
                services.transfer_request(member=member, to_union=to_union, by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                form.add_error(None, _("You cannot ask for this transfer."))
            else:
                messages.success(
                    request,
                    _(
                        "Your request to move to %(union)s was sent. Your current union releases you first, "
                        "then %(union)s accepts you."
                    )
                    % {"union": to_union.name},
                )
                return redirect("members:my_application")
        return self._render(request, member, form, status=400)


urlpatterns = [
    path("join/", JoinView.as_view(), name="join"),
    path("join/apply/", JoinApplyView.as_view(), name="join_apply"),
    path("join/unions/", UnionSearchView.as_view(), name="union_search"),
    path("join/status/", my_application, name="my_application"),
    path("join/<int:pk>/withdraw/", application_withdraw, name="application_withdraw"),
    path("join/<int:pk>/correct/", ApplicationCorrectView.as_view(), name="application_correct"),
    path("join/transfer/", MyTransferView.as_view(), name="my_transfer"),
]
