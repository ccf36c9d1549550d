"""Routes of the task-force pages, staff and the lead's own."""

from django.urls import path

from ..views import taskforces as views

urlpatterns = [
    path("cadres/task-forces/", views.TaskForceListView.as_view(), name="task_force_list"),
    path("cadres/task-forces/new/", views.TaskForceCreateView.as_view(), name="task_force_create"),
    path("cadres/task-forces/<int:pk>/", views.TaskForceDetailView.as_view(), name="task_force_detail"),
    path("cadres/task-forces/<int:pk>/members/", views.task_force_member_add, name="task_force_member_add"),
    path(
        "cadres/task-forces/<int:pk>/members/remove/",
        views.task_force_member_remove,
        name="task_force_member_remove",
    ),
    path("cadres/task-forces/<int:pk>/assessing/", views.task_force_start_assessing, name="task_force_assessing"),
    path("cadres/task-forces/<int:pk>/assess/", views.task_force_assess, name="task_force_assess"),
    path("cadres/task-forces/<int:pk>/close/", views.task_force_close, name="task_force_close"),
    path("my/cadre/task-forces/<int:pk>/", views.my_task_force, name="my_task_force"),
]
