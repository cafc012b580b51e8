from django.urls import path

from broadsheet.enrich import views

app_name = "enrich"
urlpatterns = [
    path("ai/article/<int:pk>/panel/", views.article_panel, name="article-panel"),
    path("ai/article/<int:pk>/ask/", views.article_ask, name="article-ask"),
    path("ai/story/<int:pk>/panel/", views.story_panel, name="story-panel"),
    path("ai/story/<int:pk>/ask/", views.story_ask, name="story-ask"),
    path("tag/<str:slug>/", views.tag, name="tag"),
]
