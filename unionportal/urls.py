from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin signs in through allauth, so it shares the rate limits, MFA and audit of every sign-in.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = admin.site.site_title = "工会服务平台管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("", include("unions.urls")),
    path("", include("members.urls")),
    path("", include("cadres.urls")),
    path("integrity/", include("integrity.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("", include("accounts.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "unionportal.views.error_403"
handler404 = "unionportal.views.error_404"
handler500 = "unionportal.views.error_500"
