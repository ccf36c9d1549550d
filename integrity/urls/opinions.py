"""Routes of the opinion letters (廉政意见书): the officers' queue and letter pages, and the requester's."""

from django.urls import path

from ..views import opinions as views

urlpatterns = [
    path("opinions/", views.opinion_list, name="opinion_list"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion_detail"),
    path("opinions/<int:pk>/issue/", views.opinion_issue, name="opinion_issue"),
    path("opinions/<int:pk>/pdf/", views.opinion_pdf, name="opinion_pdf"),
    path("opinions/request/", views.opinion_request, name="opinion_request"),
    path("opinions/requested/", views.opinion_requested_list, name="opinion_requested_list"),
    path("opinions/requested/<int:pk>/", views.opinion_requested_detail, name="opinion_requested_detail"),
]
