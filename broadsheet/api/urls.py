from django.urls import path, re_path

from broadsheet.api import views
from broadsheet.search import views as search

app_name = "api"
urlpatterns = [
    path("articles", views.articles, name="articles"),
    path("articles/<int:pk>", views.article, name="article"),
    path("sections", views.sections, name="sections"),
    path("sources", views.sources, name="sources"),
    path("search", search.api, name="search"),
    path("openapi.json", views.openapi, name="openapi"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
