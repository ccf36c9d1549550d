from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.UnionTreeView.as_view(), name="tree"),
    path("<int:pk>/", views.UnionDetailView.as_view(), name="detail"),
    path("<int:parent_pk>/new/", views.UnionCreateView.as_view(), name="create"),
    path("<int:pk>/edit/", views.UnionUpdateView.as_view(), name="edit"),
    path("<int:pk>/move/", views.UnionMoveView.as_view(), name="move"),
    path("<int:pk>/close/", views.UnionCloseView.as_view(), name="close"),
]
