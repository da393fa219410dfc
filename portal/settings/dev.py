"""Development: `make dev` serves with these (autoreload, Django's debug page), with SQLite and the
local-memory cache; manage.py defaults to them. `make run` serves as patients see it (settings.local)."""

from .base import *  # noqa: F403
from .environment import env_bool, env_list, env_str

DEBUG = True
# A fixed key is safe here: dev settings are never used to serve real users.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-key-not-for-production-9f3c1a")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from static/ without collectstatic, through whitenoise as in
# production: runserver's own static handler answered /static/../manage.py with a bare 500.
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Nothing in front of runserver serves the rendered images (uploads/serving.py).
SERVE_MEDIA = True
LOGGING["handlers"]["console"]["formatter"] = env_str("LOG_FORMAT", "plain")
# The admin login `make run` prints works with its password alone, as it always has: set
# STAFF_MFA_FOR_SUPERUSERS=true to try the second factor that production asks of superusers.
STAFF_MFA_FOR_SUPERUSERS = env_bool("STAFF_MFA_FOR_SUPERUSERS", False)
