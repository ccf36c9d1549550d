"""Staff pages of the union tree, the roles on it and the audit trail of its nodes.

Every object is fetched through the scoped selectors (404 outside).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django.views.generic import TemplateView

from accounts import services as account_services
from accounts.filters import AuditEventFilter

from . import permissions, selectors, services
from .decorators import staff_required
from .filters import RoleFilter, UnionFilter
from .forms import RoleGrantForm, UnionCloseForm, UnionForm, UnionMoveForm
from .models import Role, Union
from .scope import roles_of
from .selectors import audit_events_visible_to, roles_at, roles_visible_to, with_revocable


@method_decorator(staff_required, name="dispatch")
class UnionTreeView(TemplateView):
    """Where a user's tree begins: straight to their node when they hold one subtree."""

    template_name = "unions/tree.html"

    def get(self, request, *args, **kwargs):
        roots = list(selectors.scope_roots(request.user))
        if not roots:  # a role that browses no union (the auditor's): no tree to show
            raise Http404
        if len(roots) == 1:
            return redirect("unions:detail", pk=roots[0].pk)
        return self.render_to_response({"roots": roots})


@method_decorator([vary_on_headers("HX-Request"), staff_required], name="dispatch")
class UnionDetailView(View):
    def get(self, request, pk):
        union = selectors.union_get_visible(request.user, pk)
        searching = bool(request.GET.get("q", "").strip())
        base = (
            Union.objects.filter(path__startswith=union.path, depth__gt=union.depth).order_by("depth", "name")
            if searching
            else selectors.children_of(union)
        )
        union_filter = UnionFilter(request.GET, queryset=base)
        page = Paginator(union_filter.qs, settings.UNION_CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        below = selectors.descendant_counts_by_child(union, [u.path for u in rows if u.depth == union.depth + 1])
        for row in rows:
            row.below_count = below.get(row.path, 0)
        context = {
            "union": union,
            "breadcrumb": selectors.breadcrumb(request.user, union),
            "counts": selectors.labelled_counts(selectors.subtree_counts(union)),
            "filter": union_filter,
            "page": page,
            "rows": rows,
            "searching": searching,
            "can_add": permissions.can_add_below(request.user, union),
            "can_edit": permissions.can_edit(request.user, union),
            "can_move": permissions.can_move(request.user, union),
            # A closed union keeps no button that would only answer "already closed".
            "can_close": permissions.can_close(request.user, union) and not union.is_closed,
            "can_grant": permissions.can_grant_somewhere(request.user),
            "can_manage_members": permissions.can_manage_members(request.user, union),
            "roles": roles_at(request.user, union) if permissions.can_grant_somewhere(request.user) else [],
        }
        template = "unions/_children.html" if request.htmx else "unions/detail.html"
        return render(request, template, context)


@method_decorator(staff_required, name="dispatch")
class UnionCreateView(View):
    template_name = "unions/form.html"

    def _parent(self, request, parent_pk):
        parent = selectors.union_get_visible(request.user, parent_pk)
        if not permissions.can_add_below(request.user, parent):
            raise PermissionDenied
        return parent

    def get(self, request, parent_pk):
        parent = self._parent(request, parent_pk)
        return render(request, self.template_name, {"form": UnionForm(parent=parent), "parent": parent})

    def post(self, request, parent_pk):
        parent = self._parent(request, parent_pk)
        form = UnionForm(request.POST, parent=parent)
        if form.is_valid():
            try:
                union = services.union_create(parent=parent, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("%(name)s was created.") % {"name": union.name})
                return redirect("unions:detail", pk=union.pk)
        return render(request, self.template_name, {"form": form, "parent": parent}, status=400)


@method_decorator(staff_required, name="dispatch")
class UnionUpdateView(View):
    template_name = "unions/form.html"

    def _union(self, request, pk):
        union = selectors.union_get_visible(request.user, pk)
        if not permissions.can_edit(request.user, union):
            raise PermissionDenied
        return union

    def get(self, request, pk):
        union = self._union(request, pk)
        return render(request, self.template_name, {"form": UnionForm(instance=union), "union": union})

    def post(self, request, pk):
        union = self._union(request, pk)
        form = UnionForm(request.POST, instance=Union.objects.get(pk=union.pk))
        if form.is_valid():
            try:
                services.union_update(union=union, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("unions:detail", pk=union.pk)
        return render(request, self.template_name, {"form": form, "union": union}, status=400)


@method_decorator(staff_required, name="dispatch")
class UnionMoveView(View):
    template_name = "unions/move.html"

    def _union(self, request, pk):
        union = selectors.union_get_visible(request.user, pk)
        if not permissions.can_move(request.user, union):
            raise PermissionDenied
        return union

    def get(self, request, pk):
        union = self._union(request, pk)
        form = UnionMoveForm(targets=selectors.move_targets_for(request.user, union))
        return render(request, self.template_name, self._context(form, union))

    def post(self, request, pk):
        union = self._union(request, pk)
        # Any node in scope may be named, so that a move under the union's own subtree gets its own message.
        form = UnionMoveForm(request.POST, targets=selectors.unions_visible_to(request.user))
        if form.is_valid():
            try:
                services.union_move(union=union, new_parent=form.cleaned_data["new_parent"], by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("%(name)s was moved.") % {"name": union.name})
                return redirect("unions:detail", pk=union.pk)
        form.fields["new_parent"].queryset = selectors.move_targets_for(request.user, union)
        return render(request, self.template_name, self._context(form, union), status=400)

    @staticmethod
    def _context(form, union):
        return {"form": form, "union": union, "parent": Union.objects.get_parent(union)}


@method_decorator(staff_required, name="dispatch")
class UnionCloseView(View):
    template_name = "unions/close.html"

    def _union(self, request, pk):
        union = selectors.union_get_visible(request.user, pk)
        if not permissions.can_close(request.user, union):
            raise PermissionDenied
        return union

    def get(self, request, pk):
        union = self._union(request, pk)
        return render(request, self.template_name, {"form": UnionCloseForm(), "union": union})

    def post(self, request, pk):
        union = self._union(request, pk)
        form = UnionCloseForm(request.POST)
        if form.is_valid():
            try:
                services.union_close(
                    union=union, on=form.cleaned_data["closed_on"], reason=form.cleaned_data["reason"], by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("%(name)s was closed.") % {"name": union.name})
                return redirect("unions:detail", pk=union.pk)
        return render(request, self.template_name, {"form": form, "union": union}, status=400)


@staff_required
def staff_home(request):
    """Staff see their nodes at a glance (the portal's home page for a user with a role)."""
    roles = roles_of(request.user)
    for role in roles:
        role.links_to_union = permissions.can_browse_union(request.user, role.union)
    roots = list(selectors.scope_roots(request.user))
    for root in roots:
        counts = selectors.subtree_counts(root)
        root.kind_counts = selectors.labelled_counts(counts)
        root.below_total = sum(counts.values())
    return render(request, "unions/staff_home.html", {"roles": roles, "roots": roots})


@staff_required
def role_list(request):
    if not permissions.can_read_roles(request.user):
        raise PermissionDenied
    role_filter = RoleFilter(request.GET, queryset=roles_visible_to(request.user))
    page = Paginator(role_filter.qs, settings.AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    roles = with_revocable(request.user, page.object_list)
    return render(request, "unions/role_list.html", {"filter": role_filter, "page": page, "roles": roles})


@staff_required
def role_grant(request, union_pk):
    union = selectors.union_get_visible(request.user, union_pk)
    if not permissions.can_grant_somewhere(request.user):
        raise PermissionDenied
    form = RoleGrantForm(request.POST or None, granter=request.user, union=union)
    if not form.fields["kind"].choices:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a refused grant leaves no new account behind and sends no invitation.
            with transaction.atomic():
                user = form.existing_user or account_services.staff_user_create(
                    username=data["username"],
                    name=data["name"],
                    email=data["email"],
                    phone=data.get("phone") or None,
                    by=request.user,
                    request=request,
                )
                services.role_grant(user=user, union=union, kind=data["kind"], by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The role was granted to %(user)s.") % {"user": user.display_name})
            return redirect("unions:detail", pk=union.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "unions/role_grant.html", {"form": form, "union": union}, status=status)


@require_POST
@staff_required
def role_revoke(request, pk):
    try:
        role = roles_visible_to(request.user).get(pk=pk)
    except (ValueError, Role.DoesNotExist):
        raise Http404 from None
    try:
        services.role_revoke(role=role, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The role was revoked."))
    return _back(request) or redirect("unions:detail", pk=role.union_id)


def _back(request):
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return None


@require_POST
@staff_required
def mfa_reset(request, user_pk):
    """Remove a staff member's authenticators and e-mail them a fresh set-up link."""
    role = roles_visible_to(request.user).filter(user_id=user_pk).first()
    if role is None:
        raise Http404
    try:
        services.staff_mfa_reset(user=role.user, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The authenticator of %(user)s was reset and a new set-up link was e-mailed.")
            % {"user": role.user.display_name},
        )
    return _back(request) or redirect("unions:roles")


@vary_on_headers("HX-Request")
@staff_required
def audit_list(request):
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    audit_filter = AuditEventFilter(request.GET, queryset=audit_events_visible_to(request.user))
    page = Paginator(audit_filter.qs, settings.AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    template = "unions/_audit_rows.html" if request.htmx else "unions/audit_list.html"
    return render(request, template, {"filter": audit_filter, "page": page})


# Paths as they were when these pages lived in the members and accounts apps: bookmarks keep working.
urlpatterns = [
    path("unions/", UnionTreeView.as_view(), name="tree"),
    path("unions/<int:pk>/", UnionDetailView.as_view(), name="detail"),
    path("unions/<int:parent_pk>/new/", UnionCreateView.as_view(), name="create"),
    path("unions/<int:pk>/edit/", UnionUpdateView.as_view(), name="edit"),
    path("unions/<int:pk>/move/", UnionMoveView.as_view(), name="move"),
    path("unions/<int:pk>/close/", UnionCloseView.as_view(), name="close"),
    path("roles/", role_list, name="roles"),
    path("roles/grant/<int:union_pk>/", role_grant, name="role_grant"),
    path("roles/<int:pk>/revoke/", role_revoke, name="role_revoke"),
    path("roles/authenticator-reset/<int:user_pk>/", mfa_reset, name="mfa_reset"),
    path("audit/", audit_list, name="audit"),
]
