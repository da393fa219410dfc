"""Production: refuses to start without the settings a public deployment needs."""

from .base import *  # noqa: F403
from .environment import env_bool, env_int, env_list, env_required

SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    env_required("ALLOWED_HOSTS")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
# The portal should have a host of its own (patient-education.example.org), so HSTS can cover
# its subdomains and allow preloading; a deployment that shares a host can turn these off.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Behind the hospital's reverse proxy, which terminates TLS and says so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# X-Frame-Options stays SAMEORIGIN rather than DENY because the Wagtail admin previews pages in a
# same-origin frame. Framing by other sites is governed by CSP frame-ancestors, which is 'self'
# everywhere except the embed views (integrations/framing.py) and which browsers prefer.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
