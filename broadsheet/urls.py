from django.contrib import admin
from django.urls import include, path

from broadsheet.sources.status import crawl_status

admin.site.site_header = admin.site.site_title = "Broadsheet admin"

urlpatterns = [
    path("admin/status/", crawl_status, name="crawl_status"),
    path("admin/", admin.site.urls),
    path("api/", include("broadsheet.api.urls")),
    path("accounts/", include("allauth.urls")),
    path("community/", include("broadsheet.community.urls")),
    path("story/", include("broadsheet.stories.urls")),
    path("search/", include("broadsheet.search.urls")),
    path("", include("broadsheet.web.urls")),
    path("", include("broadsheet.enrich.urls")),
]
