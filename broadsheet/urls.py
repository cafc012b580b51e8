from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("community/", include("broadsheet.community.urls")),
    path("story/", include("broadsheet.stories.urls")),
    path("", include("broadsheet.web.urls")),
    path("", include("broadsheet.enrich.urls")),
]
