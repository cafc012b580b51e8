from django.urls import path

from django.contrib.sitemaps.views import sitemap

from broadsheet.lib.methods import read_only
from broadsheet.web import feeds, views
from broadsheet.web.sitemaps import SITEMAPS

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("article/<int:pk>/", views.article, name="article"),
    path("source/<int:pk>/", views.source, name="source"),
    path("languages/", views.pick_languages, name="languages"),
    path("feeds/section/<slug:slug>/", read_only(feeds.SectionFeed()), name="section-feed"),
    path("feeds/source/<int:pk>/", read_only(feeds.SourceFeed()), name="source-feed"),
    path("feeds/tag/<str:slug>/", read_only(feeds.TagFeed()), name="tag-feed"),
    path("feeds/story/<int:pk>/", read_only(feeds.StoryFeed()), name="story-feed"),
    path("feeds/section/<slug:slug>/atom/", read_only(feeds.atom(feeds.SectionFeed)()), name="section-atom"),
    path("feeds/source/<int:pk>/atom/", read_only(feeds.atom(feeds.SourceFeed)()), name="source-atom"),
    path("feeds/tag/<str:slug>/atom/", read_only(feeds.atom(feeds.TagFeed)()), name="tag-atom"),
    path("feeds/story/<int:pk>/atom/", read_only(feeds.atom(feeds.StoryFeed)()), name="story-atom"),
    path("sitemap.xml", read_only(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]
