"""One machine, as patients see it: `make run`. DEBUG off, the real 404 and 500 pages, static files
hashed and served by whitenoise, media served by the app itself (no web server in front), on SQLite
and the local-memory cache with nothing to set up. `make dev` (settings.dev) is the developer's."""

from .base import *  # noqa: F403
from .environment import env_bool, env_list, env_str, kept_secret

# Made once and kept in the git-ignored .secret-key, so sessions survive a restart of `make run`.
SECRET_KEY = env_str("SECRET_KEY") or kept_secret(BASE_DIR / ".secret-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# Review reminders and notices are printed, not sent: nothing here knows the hospital's mail relay.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Nothing in front of the app on this machine serves the rendered images (uploads/serving.py).
SERVE_MEDIA = True
LOGGING["handlers"]["console"]["formatter"] = env_str("LOG_FORMAT", "plain")
# The admin login `make run` prints works with its password alone, as it always has: set
# STAFF_MFA_FOR_SUPERUSERS=true to try the second factor that production asks of superusers.
STAFF_MFA_FOR_SUPERUSERS = env_bool("STAFF_MFA_FOR_SUPERUSERS", False)
