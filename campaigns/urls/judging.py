"""Judging: the organiser's judges, closing and ranking; the judge's assignments, conflicts, queue and
score sheets."""

from django.urls import path

from ..views import judging

urlpatterns = [
    path("competitions/<int:pk>/judges/", judging.judge_list, name="judge_list"),
    path("judges/<int:pk>/remove/", judging.judge_remove, name="judge_remove"),
    path("judging/", judging.judging_home, name="judging_home"),
    path("judging/<int:pk>/", judging.judging_queue, name="judging_queue"),
    path("judging/<int:pk>/conflicts/", judging.judging_conflicts, name="judging_conflicts"),
    path("judging/entries/<int:pk>/", judging.judging_score, name="judging_score"),
    path("competitions/<int:pk>/close/", judging.competition_close, name="competition_close"),
    path("competitions/<int:pk>/ranking/", judging.competition_ranking, name="competition_ranking"),
]
