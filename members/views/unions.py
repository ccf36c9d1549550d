"""Staff pages of the union tree. Every object is fetched through the scoped selectors (404 outside)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.vary import vary_on_headers
from django.views.generic import TemplateView

from accounts.decorators import staff_required
from accounts.roles import can_grant_somewhere
from accounts.selectors import roles_at

from .. import selectors, services
from ..filters import UnionFilter
from ..forms.unions import UnionCloseForm, UnionForm, UnionMoveForm
from ..models import Union


@method_decorator(staff_required, name="dispatch")
class UnionTreeView(TemplateView):
    """Where a user's tree begins: straight to their node when they hold one subtree."""

    template_name = "members/tree.html"

    def get(self, request, *args, **kwargs):
        roots = list(selectors.scope_roots(request.user))
        if not roots:  # a role that browses no union (the auditor's): no tree to show
            raise Http404
        if len(roots) == 1:
            return redirect("members:detail", pk=roots[0].pk)
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
            "can_add": services.can_manage_below(request.user, union) and bool(union.CHILD_KINDS[union.kind]),
            "can_edit": services.can_edit(request.user, union),
            "can_move": services.can_move(request.user, union),
            "can_close": services.can_close(request.user, union) and not union.is_closed,
            "can_grant": can_grant_somewhere(request.user),
            "can_manage_members": services.can_manage_members(request.user, union),
            "roles": roles_at(request.user, union) if can_grant_somewhere(request.user) else [],
        }
        template = "members/_children.html" if request.htmx else "members/detail.html"
        return render(request, template, context)


@method_decorator(staff_required, name="dispatch")
class UnionCreateView(View):
    template_name = "members/form.html"

    def _parent(self, request, parent_pk):
        parent = selectors.union_get_visible(request.user, parent_pk)
        if not services.can_manage_below(request.user, parent) or not parent.CHILD_KINDS[parent.kind]:
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
                return redirect("members:detail", pk=union.pk)
        return render(request, self.template_name, {"form": form, "parent": parent}, status=400)


@method_decorator(staff_required, name="dispatch")
class UnionUpdateView(View):
    template_name = "members/form.html"

    def _union(self, request, pk):
        union = selectors.union_get_visible(request.user, pk)
        if not services.can_edit(request.user, union):
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
                return redirect("members:detail", pk=union.pk)
        return render(request, self.template_name, {"form": form, "union": union}, status=400)


@method_decorator(staff_required, name="dispatch")
class UnionMoveView(View):
    template_name = "members/move.html"

    def _union(self, request, pk):
        union = selectors.union_get_visible(request.user, pk)
        if not services.can_move(request.user, union):
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
                return redirect("members:detail", pk=union.pk)
        form.fields["new_parent"].queryset = selectors.move_targets_for(request.user, union)
        return render(request, self.template_name, self._context(form, union), status=400)

    @staticmethod
    def _context(form, union):
        return {"form": form, "union": union, "parent": Union.objects.get_parent(union)}


@method_decorator(staff_required, name="dispatch")
class UnionCloseView(View):
    template_name = "members/close.html"

    def _union(self, request, pk):
        union = selectors.union_get_visible(request.user, pk)
        if not services.can_close(request.user, union):
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
                return redirect("members:detail", pk=union.pk)
        return render(request, self.template_name, {"form": form, "union": union}, status=400)


urlpatterns = [
    path("unions/", UnionTreeView.as_view(), name="tree"),
    path("unions/<int:pk>/", UnionDetailView.as_view(), name="detail"),
    path("unions/<int:parent_pk>/new/", UnionCreateView.as_view(), name="create"),
    path("unions/<int:pk>/edit/", UnionUpdateView.as_view(), name="edit"),
    path("unions/<int:pk>/move/", UnionMoveView.as_view(), name="move"),
    path("unions/<int:pk>/close/", UnionCloseView.as_view(), name="close"),
]
