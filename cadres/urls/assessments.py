"""Routes of the yearly assessment pages (年度考核)."""

from django.urls import path

from ..views import assessments as views

urlpatterns = [
    path("cadres/assessments/", views.RoundListView.as_view(), name="round_list"),
    path("cadres/assessments/new/", views.RoundCreateView.as_view(), name="round_create"),
    path("cadres/assessments/rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("cadres/assessments/rounds/<int:pk>/confirm/", views.RoundConfirmView.as_view(), name="round_confirm"),
    path("cadres/assessments/rounds/<int:pk>/publish/", views.round_publish, name="round_publish"),
    path("cadres/assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("my/cadre/assessments/<int:pk>/", views.MyAssessmentView.as_view(), name="my_assessment"),
]
