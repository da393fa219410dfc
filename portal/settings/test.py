"""Fast, deterministic settings for the test suite."""

from .base import *  # noqa: F403
from .environment import env_bool

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"
SERVE_MEDIA = True  # as `make run` does; the web server's part is tested with nginx itself
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Serve static files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests share one client address and one cache, so limits would trip across unrelated tests;
# the rate-limit tests switch them on.
RATE_LIMITS_ENABLED = False
# Test databases roll back between tests but the cache does not; the cache tests switch it on.
PAGE_CACHE_ENABLED = False
# Each search's count is written at once, so tests can read it back; the batching test sets a delay.
SEARCH_COUNTS_FLUSH_SECONDS = 0
# The suite signs superusers in with a password throughout; the second-factor tests switch it on
# (and the browser tests, through the environment of the server they start).
STAFF_MFA_FOR_SUPERUSERS = env_bool("STAFF_MFA_FOR_SUPERUSERS", False)
