from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("broadsheet.api.urls")),
    path("accounts/", include("allauth.urls")),
    path("community/", include("broadsheet.community.urls")),
    path("", include("broadsheet.web.urls")),
    path("", include("broadsheet.enrich.urls")),
]
