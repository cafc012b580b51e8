from django.urls import path

from broadsheet.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("article/<int:pk>/", views.article, name="article"),
    path("source/<int:pk>/", views.source, name="source"),
]
