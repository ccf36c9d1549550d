"""A user's choice of reminders by e-mail. The inbox always receives every reminder."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from .kinds import reminder_kinds
from .notify import email_kinds_of, notification_preferences_set


class NotificationPreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Also send me these reminders by e-mail"),
        choices=reminder_kinds.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


@login_required
@never_cache
def notification_preferences(request):
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            notification_preferences_set(user=request.user, email_kinds=form.cleaned_data["email_kinds"])
            messages.success(request, _("Your reminder choices are saved."))
            return redirect("accounts:notification_preferences")
    else:
        form = NotificationPreferencesForm(initial={"email_kinds": sorted(email_kinds_of(request.user))})
    return render(request, "accounts/notification_preferences.html", {"form": form})


urlpatterns = [
    path("inbox/preferences/", notification_preferences, name="notification_preferences"),
]
