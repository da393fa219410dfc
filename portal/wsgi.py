import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

django_application = get_wsgi_application()

# Imported once Django is set up: the kept-response layer reads the settings and the database.
from caching.page_cache import KeptResponses  # noqa: E402
from portal.faults import database_recently_failed  # noqa: E402
from portal.request_id import request_id_for  # noqa: E402

# Anonymous reads answered from kept copies before Django's handler runs (caching/page_cache.py).
application = KeptResponses(django_application, request_id=request_id_for, skip_while=database_recently_failed)
