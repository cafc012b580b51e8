from django.conf import settings

from broadsheet.web.sections import SECTIONS


def site(request):
    return {"site_name": settings.SITE_NAME, "section_names": SECTIONS}
