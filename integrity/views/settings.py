"""The integrity app's settings: a discipline officer at a city federation (anyone else: 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..decorators import discipline_officer_required
from ..forms.talks import SettingsForm
from ..models import IntegritySettings
from ..permissions import can_change_settings
from ..services.settings import settings_update
from .talks import _apply_errors


@never_cache
@discipline_officer_required
def settings_page(request):
    if not can_change_settings(request.user):
        raise Http404
    current = IntegritySettings.current()
    form = SettingsForm(request.POST or None, instance=IntegritySettings.objects.get(pk=current.pk))
    if request.method == "POST" and form.is_valid():
        try:
            settings_update(by=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("integrity:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "integrity/settings/settings.html", {"form": form}, status=status)
