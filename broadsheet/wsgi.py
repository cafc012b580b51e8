import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
# Cached anonymous pages are answered before Django's handler (web/fastpage.py).
from broadsheet.web.fastpage import CachedPages  # noqa: E402  (needs the settings module set)

application = CachedPages(get_wsgi_application())
