"""Pages of task forces (工作专班): the list, the new force, the detail page (members, the steps of
``cadres.services.taskforces``), and the lead's own page ``my/cadre/task-forces/<pk>/`` where the
lead assesses the members. A force outside the user's scope, or led by someone else on the ``my/``
page, answers 404. A member is named in the POST body, and looked up within the force only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from unions.selectors import get_visible_or_404

from .. import selectors
from ..decorators import cadre_officer_required
from ..filters.postings import TaskForceFilter
from ..forms.postings import MemberAddForm, MemberAssessForm, TaskForceForm
from ..models import TaskForce, TaskForceMember
from ..permissions import can_manage
from ..services import taskforces as services

PER_PAGE = 30


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@method_decorator([never_cache, vary_on_headers("HX-Request"), cadre_officer_required], name="dispatch")
class TaskForceListView(View):
    def get(self, request):
        records = selectors.task_forces_visible_to(request.user).order_by("-starts_on", "-id")
        found = TaskForceFilter(request.GET or None, queryset=records)
        page = Paginator(found.qs, PER_PAGE).get_page(request.GET.get("page"))
        context = {"filter": found, "page": page, "rows": page.object_list}
        partial = request.htmx and not request.htmx.history_restore_request
        template = "cadres/taskforces/_results.html" if partial else "cadres/taskforces/list.html"
        return render(request, template, context)


@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class TaskForceCreateView(View):
    template = "cadres/taskforces/form.html"

    def _form(self, request, data=None):
        source = request.POST if data is not None else request.GET
        initial = None if data is not None else {k: v for k, v in request.GET.items() if k not in {"q", "page"}}
        return TaskForceForm(
            data, initial=initial, user=request.user, search=source.get("q", ""), selected=source.get("lead")
        )

    def get(self, request):
        return render(request, self.template, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                force = services.task_force_create(
                    organiser=data["organiser"],
                    name=data["name"],
                    purpose=data["purpose"],
                    lead=data["lead"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("The task force was set up: add its members."))
                return redirect("cadres:task_force_detail", pk=force.pk)
        return render(request, self.template, {"form": form}, status=400)


def _force(request, pk) -> TaskForce:
    return get_visible_or_404(selectors.task_forces_visible_to(request.user), pk)


def _members(force: TaskForce) -> list[TaskForceMember]:
    return list(force.members.select_related("cadre__union", "assessed_by").order_by("cadre__name", "id"))


def _detail(request, force, *, status: int = 200, error: str = "", add_form=None, assess_form=None):
    members = _members(force)
    search = request.GET.get("q", "")
    context = {
        "force": force,
        "members": members,
        "missing": [m for m in members if not m.grade],
        "can_manage": can_manage(request.user, force.organiser),
        "add_form": add_form or MemberAddForm(user=request.user, search=search),
        "assess_form": assess_form,
        "step_error": error,
        "grades": MemberAssessForm.base_fields["grade"].choices,
    }
    return render(request, "cadres/taskforces/detail.html", context, status=status)


@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class TaskForceDetailView(View):
    def get(self, request, pk):
        return _detail(request, _force(request, pk))


def _member_of(force: TaskForce, value) -> TaskForceMember | None:
    try:
        return force.members.select_related("cadre").get(pk=int(value))
    except (TypeError, ValueError, TaskForceMember.DoesNotExist):
        return None


def _staff_step(view):
    return never_cache(require_POST(cadre_officer_required(view)))


@_staff_step
def task_force_member_add(request, pk):
    force = _force(request, pk)
    form = MemberAddForm(request.POST, user=request.user, search=request.POST.get("q", ""))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.task_force_member_add(
                task_force=force, cadre=data["cadre"], duty=data["duty"], joined_on=data["joined_on"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("%(name)s joined the task force.") % {"name": data["cadre"].name})
            return redirect("cadres:task_force_detail", pk=force.pk)
    return _detail(request, force, status=400, add_form=form)


@_staff_step
def task_force_member_remove(request, pk):
    force = _force(request, pk)
    member = _member_of(force, request.POST.get("member"))
    if member is None:
        return _detail(request, force, status=400, error=_("Choose a member of this task force."))
    try:
        services.task_force_member_remove(member=member, by=request.user)
    except ValidationError as exc:
        return _detail(request, force, status=400, error=_errors(exc))
    messages.success(request, _("%(name)s left the task force.") % {"name": member.cadre.name})
    return redirect("cadres:task_force_detail", pk=force.pk)


@_staff_step
def task_force_start_assessing(request, pk):
    force = _force(request, pk)
    try:
        services.task_force_start_assessing(task_force=force, by=request.user)
    except ValidationError as exc:
        return _detail(request, force, status=400, error=_errors(exc))
    messages.success(request, _("The task force is being assessed: its lead can now grade the members."))
    return redirect("cadres:task_force_detail", pk=force.pk)


@_staff_step
def task_force_close(request, pk):
    force = _force(request, pk)
    try:
        services.task_force_close(task_force=force, by=request.user)
    except ValidationError as exc:
        return _detail(request, force, status=400, error=_errors(exc))
    messages.success(request, _("The task force is closed; its members now see their grades."))
    return redirect("cadres:task_force_detail", pk=force.pk)


def _assess(request, force, render_page, back: str):
    """One member's grade from the posted form, by whoever the service allows (the lead or an officer)."""
    form = MemberAssessForm(request.POST)
    member = _member_of(force, request.POST.get("member"))
    if form.is_valid() and member is None:
        form.add_error(None, _("Choose a member of this task force."))
    if form.is_valid():
        try:
            services.task_force_member_assess(
                member=member, grade=form.cleaned_data["grade"], comment=form.cleaned_data["comment"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        except PermissionDenied:
            form.add_error(None, _("You may not assess the members of this task force."))
        else:
            messages.success(request, _("%(name)s was assessed.") % {"name": member.cadre.name})
            return redirect(back)
    return render_page(form)


@_staff_step
def task_force_assess(request, pk):
    force = _force(request, pk)
    return _assess(
        request,
        force,
        lambda form: _detail(request, force, status=400, assess_form=form),
        reverse("cadres:task_force_detail", args=[force.pk]),
    )


@never_cache
@login_required
def my_task_force(request, pk):
    """The lead's page (phone-first): the members, each with the grade form while the force is being
    assessed. The lead's own membership, if any, is shown without a form: an officer grades it."""
    force = get_visible_or_404(selectors.own_task_forces_led(request.user), pk)

    def page(form=None, status=200):
        members = _members(force)
        context = {
            "force": force,
            "members": members,
            "assess_form": form,
            "grades": MemberAssessForm.base_fields["grade"].choices,
        }
        return render(request, "cadres/taskforces/mine.html", context, status=status)

    if request.method == "POST":
        return _assess(
            request, force, lambda form: page(form, status=400), reverse("cadres:my_task_force", args=[force.pk])
        )
    return page()
