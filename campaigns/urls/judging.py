"""Routes of this part. Placeholders (404) until the part's pages replace them."""

from django.urls import path

from ..views.stub import not_built

urlpatterns = [
    path("competitions/<int:pk>/judges/", not_built, name="judge_list"),
    path("judges/<int:pk>/remove/", not_built, name="judge_remove"),
    path("judging/", not_built, name="judging_home"),
    path("judging/<int:pk>/", not_built, name="judging_queue"),
    path("judging/<int:pk>/conflicts/", not_built, name="judging_conflicts"),
    path("judging/entries/<int:pk>/", not_built, name="judging_score"),
    path("competitions/<int:pk>/close/", not_built, name="competition_close"),
    path("competitions/<int:pk>/ranking/", not_built, name="competition_ranking"),
]
