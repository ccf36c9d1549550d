"""Routes of the secondment and grassroots-stay pages, staff and the cadre's own."""

from django.urls import path

from ..views import postings as views

urlpatterns = [
    path("cadres/secondments/", views.SecondmentListView.as_view(), name="secondment_list"),
    path("cadres/secondments/new/", views.SecondmentCreateView.as_view(), name="secondment_create"),
    path("cadres/secondments/<int:pk>/", views.SecondmentDetailView.as_view(), name="secondment_detail"),
    path("cadres/secondments/<int:pk>/start/", views.secondment_start, name="secondment_start"),
    path("cadres/secondments/<int:pk>/end/", views.secondment_end, name="secondment_end"),
    path(
        "cadres/secondments/<int:pk>/host-evaluation/",
        views.secondment_host_evaluation,
        name="secondment_host_evaluation",
    ),
    path("cadres/secondments/<int:pk>/report/", views.secondment_report, name="secondment_report"),
    path("cadres/secondments/<int:pk>/report/file/", views.secondment_report_file, name="secondment_report_file"),
    path("cadres/secondments/<int:pk>/review/", views.secondment_review, name="secondment_review"),
    path("cadres/secondments/<int:pk>/close/", views.secondment_close, name="secondment_close"),
    path("cadres/stays/", views.StayListView.as_view(), name="stay_list"),
    path("cadres/stays/new/", views.StayCreateView.as_view(), name="stay_create"),
    path("cadres/stays/<int:pk>/", views.StayDetailView.as_view(), name="stay_detail"),
    path("cadres/stays/<int:pk>/start/", views.stay_start, name="stay_start"),
    path("cadres/stays/<int:pk>/end/", views.stay_end, name="stay_end"),
    path("cadres/stays/<int:pk>/report/", views.stay_report, name="stay_report"),
    path("cadres/stays/<int:pk>/report/file/", views.stay_report_file, name="stay_report_file"),
    path("cadres/stays/<int:pk>/review/", views.stay_review, name="stay_review"),
    path("my/cadre/secondments/<int:pk>/", views.my_secondment, name="my_secondment"),
    path(
        "my/cadre/secondments/<int:pk>/report/file/",
        views.my_secondment_report_file,
        name="my_secondment_report_file",
    ),
    path("my/cadre/stays/<int:pk>/", views.my_stay, name="my_stay"),
    path("my/cadre/stays/<int:pk>/report/file/", views.my_stay_report_file, name="my_stay_report_file"),
]
