from django.conf import settings

from broadsheet.web.sections import sections


def site(request):
    return {"site_name": settings.SITE_NAME, "section_names": sections()}
