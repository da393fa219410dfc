"""The ceiling `make bench` measures the portal against: a bare Django project of the same Django
version, no apps, no middleware, one view. Served by gunicorn exactly as the portal is."""

SECRET_KEY = "bench-bare-project-only-not-a-secret"  # noqa: S105 - answers one fixed string, on loopback
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
