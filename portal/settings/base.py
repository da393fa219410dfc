"""Settings shared by every environment; secure unless dev or test relax them."""

from pathlib import Path

import dj_database_url

from django.core.exceptions import ImproperlyConfigured

from staff_sign_in.roles import parse_role_groups

from .environment import env_bool, env_days, env_int, env_list, env_networks, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Behind a reverse proxy that sets X-Forwarded-Host (production.py also trusts X-Forwarded-Proto).
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

INSTALLED_APPS = [
    "staff_sign_in",
    "caching",
    "education",
    "uploads",
    "review",
    "search",
    "feedback",
    "integrations",
    "operations",
    "wagtail.api.v2",
    "rest_framework",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "wagtail.locales",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.request_id.RequestIdMiddleware",
    "portal.security_headers.SecurityHeadersMiddleware",
    # Static files need no database: served even while it is away.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.faults.DatabaseUnavailableMiddleware",
    # The language is the address's (/en/, /es/): activated before a kept page is looked up or rendered.
    "portal.languages.PathLanguageMiddleware",
    # Reads the record of change once for the request, and answers from a kept copy before
    # everything a kept page already went through (CSP, sessions, ETags…).
    "caching.page_cache.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the address or the form: NUL and broken text get a 400 here, not a
    # 500 from the database or a lookup further in (portal/hostile_input.py).
    "portal.hostile_input.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware has refused hosts that are not allowed.
    "caching.wagtail_lookups.RequestLookupsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.staff_sessions.StaffSessionMiddleware",
    # After the session's limits: a session that has ended owes nothing.
    "staff_sign_in.second_factor.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "portal.sign_in_limits.SignInLimitMiddleware",
    "uploads.upload_errors.UploadStorageErrorMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite by default so `make run` needs nothing installed; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers and an editor at once: WAL lets reads go on during a write, and immediate
    # transactions stop a publish failing with "database is locked" under load.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # libpq will not wait less than 2 s; portal/faults.py answers later requests at once.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 2)
DATABASE_FAIL_FAST_SECONDS = 5
DATABASE_RETRY_AFTER_SECONDS = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis going away must slow the site down, not break it (caching/redis.py).
            "BACKEND": "caching.redis.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            # Every key names the release, so a deploy never serves what the last one rendered.
            "KEY_FUNCTION": "caching.release.cache_key",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Every kept copy is keyed by the record of change in the database (caching/record.py), so caching
# is safe in every topology: one process, several workers, several instances, Redis or none.
# CACHING=false renders everything afresh (to compare against, or to rule caching out).
CACHING_ENABLED = env_bool("CACHING", True)
# Whole pages for anonymous readers (caching/page_cache.py). PAGE_CACHE=false keeps the rest.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = 24 * 3600  # content changes invalidate at once; this only bounds memory
# Each worker keeps its most recent entries too (without Redis, the only copy), so a hit costs the
# read of the record and a lookup in memory.
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_MB", 16) * 1024 * 1024
# The same for menus, rendered page bodies and link targets, used when pages are rendered.
FRAGMENT_LOCAL_BYTES = env_int("FRAGMENT_LOCAL_MB", 16) * 1024 * 1024
# How long a proxy or CDN may keep a public page. Leave 0 unless purging is set up
# (FRONTEND_CACHE_PURGE_URL), or readers could see a page up to this long after a change.
SHARED_CACHE_SECONDS = env_int("SHARED_CACHE_SECONDS", 0)
# A Varnish or nginx cache in front of the portal can be told to drop a page when it is published
# or unpublished (Wagtail's frontend cache invalidation, HTTP PURGE). See docs/performance.md.
FRONTEND_CACHE_PURGE_URL = env_str("FRONTEND_CACHE_PURGE_URL")
if FRONTEND_CACHE_PURGE_URL:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_PURGE_URL,
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Patients read the portal in English or Spanish: each language has its own page tree under
# /en/ and /es/ (Wagtail's internationalisation), and the interface's own words come from the
# gettext catalogues in locale/. English is the source every translation is made from.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Hosting under a sub-path (for example /patient-education/) behind a proxy that strips it:
# URLs Django writes carry the prefix, and so must static and media URLs and cookie paths.
URL_PREFIX = "/" + env_str("URL_PREFIX").strip("/") if env_str("URL_PREFIX").strip("/") else ""
if URL_PREFIX:
    FORCE_SCRIPT_NAME = URL_PREFIX
    SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = f"{URL_PREFIX}/"
STATIC_URL = env_str("STATIC_URL", f"{URL_PREFIX}/static/")
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", f"{URL_PREFIX}/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "uploads.storage.ServerNamedStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A page with 150 body blocks posts several thousand fields; Wagtail recommends 10,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Immunotherapy patient information")
# The origin only: a sub-path here would be repeated in emails and image URLs.
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Each worker writes its search counts (for editors' reports) at most this often; see search/counts.py.
SEARCH_COUNTS_FLUSH_SECONDS = env_int("SEARCH_COUNTS_FLUSH_SECONDS", 60)
# Wagtail's database backend (full-text search on PostgreSQL, FTS5 on SQLite), made leaner on PostgreSQL.
# Spanish pages are stemmed as Spanish on PostgreSQL; English keeps the database's default (english).
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "search.backend", "SEARCH_CONFIG_BY_LANGUAGE": {"es": "spanish"}},
}
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt"]
# Documents only through Wagtail's view, which checks private collections before it sends the file
# (uploads/sendfile.py); with a web server in front, it sends the file from this internal location.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
SENDFILE_BACKEND = "uploads.sendfile"
MEDIA_X_ACCEL_PREFIX = env_str("MEDIA_X_ACCEL_PREFIX")
# With no web server in front (make run, make dev), the app serves renditions itself (uploads/serving.py).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# A file that live content shows is not replaced in place, without review (review/media.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "review.media.ImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "review.media.DocumentForm"
# The admin must not call out to the internet from a hospital intranet.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_FINDERS = []
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# The API gives display HTML with page links resolved, never Wagtail's internal rich-text format.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 50
WAGTAILAPI_SEARCH_ENABLED = True
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}

# Clinical review (review/). Review intervals per page type and "approval publishes" are site
# settings editable in the admin; these are the fixed parts of the review cycle.
REVIEW_DUE_SOON_DAYS = 30  # the dashboard, report and reminders call a page "due soon" this early
REVIEW_REMINDER_EVERY_DAYS = 7  # send_review_reminders emails about a page at most this often
# Besides each page's owner, members of this group get every reminder.
REVIEW_REMINDER_GROUP = env_str("REVIEW_REMINDER_GROUP", "Clinical reviewers")
# A completed workflow publishes as the workflow's authority, not the last approver's own rights.
WAGTAIL_FINISH_WORKFLOW_ACTION = "review.workflow_finish.publish_approved_revision"

# Requests per client address: (count, seconds). A hospital's wards may share one address behind
# its proxy (set TRUSTED_PROXIES so the real client is used), and an EHR calls the Infobutton
# endpoint for all its users, so the defaults are generous; RATE_LIMIT_<BUCKET>="count/seconds".
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)
RATE_LIMITS = {
    bucket: tuple(int(part) for part in env_str(f"RATE_LIMIT_{bucket.upper()}", default).split("/"))
    for bucket, default in {
        "search": "120/60",
        "api": "600/60",
        "infobutton": "1200/60",
        "feedback": "5/600",
        # Failed sign-ins from one address, whatever the user names (portal/sign_in_limits.py).
        "sign_in": "20/900",
        # Requests for a password-reset e-mail: each sends mail to a real person.
        "password_reset": "5/3600",
    }.items()
}
# The proxies in front of the app (addresses or networks, comma-separated): only a request from one
# of them has its X-Forwarded-For believed (portal/client_ip.py). Empty: no proxy is trusted.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# Admin login: lock out a user name from one address after repeated failures (django-axes).
AUTHENTICATION_BACKENDS = [
    "portal.sign_in_limits.AddressSignInLimitBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "axes_locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Its log lines name the user name tried, never the address (portal/sign_in_limits.py).
AXES_CLIENT_STR_CALLABLE = "portal.sign_in_limits.described_without_address"

# Staff sign-in (staff_sign_in/, docs/sso.md). With nothing set, local passwords only.
# A second factor (an authenticator app, recovery codes) for superusers signing in with a password.
STAFF_MFA_FOR_SUPERUSERS = env_bool("STAFF_MFA_FOR_SUPERUSERS", True)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# How long a request to the identity provider or directory may take before the sign-in gives up:
# short enough that the "not answering" page comes within 5 s, as the issue asks, with the rest
# of the request's work besides.
IDENTITY_PROVIDER_TIMEOUT_SECONDS = 3
# OpenID Connect (mozilla-django-oidc): the provider's endpoints come from its discovery document.
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_GROUPS = parse_role_groups("OIDC_ROLE_GROUPS", env_str("OIDC_ROLE_GROUPS"))
OIDC_ONLY = env_bool("OIDC_ONLY", False)
# "Sign in with …": this, or else the organisation name in Settings → Portal settings.
OIDC_DISPLAY_NAME = env_str("OIDC_DISPLAY_NAME")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGORITHM", "RS256")
OIDC_USE_PKCE = True
OIDC_TOKEN_USE_BASIC_AUTH = True
OIDC_STORE_ID_TOKEN = True  # the hint that lets the provider end its session at sign-out
OIDC_TIMEOUT = IDENTITY_PROVIDER_TIMEOUT_SECONDS
LOGIN_REDIRECT_URL = "wagtailadmin_home"  # after a sign-in that named no page to return to
if OIDC_ISSUER:
    for required in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_GROUPS"):
        env_required(required, because="OIDC_ISSUER is set")
    AUTHENTICATION_BACKENDS.append("staff_sign_in.oidc.HospitalOIDCBackend")
elif OIDC_ONLY:
    raise ImproperlyConfigured("OIDC_ONLY=true needs OIDC_ISSUER: nobody but superusers could sign in.")
# LDAP / Active Directory (django-auth-ldap, installed from requirements-ldap.txt): a directory
# account's password, its groups (nested ones too) giving its roles as OIDC_ROLE_GROUPS does.
LDAP_URL = env_str("LDAP_URL")  # ldap://dc1.hospital.example or ldaps://…:636
LDAP_BIND_DN = env_str("LDAP_BIND_DN")
LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD")
LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
LDAP_CA_FILE = env_str("LDAP_CA_FILE")  # the CA that signed the directory's certificate
LDAP_USER_SEARCH_BASE = env_str("LDAP_USER_SEARCH_BASE")
# Active Directory's: the account name, and not a disabled account (userAccountControl bit 2).
LDAP_USER_FILTER = env_str(
    "LDAP_USER_FILTER", "(&(sAMAccountName=%(user)s)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
)
# The attribute that names a person's entry for good, whatever OU it is moved to: OpenLDAP's
# entryUUID; Active Directory's is objectGUID.
LDAP_ID_ATTRIBUTE = env_str("LDAP_ID_ATTRIBUTE", "entryUUID")
LDAP_GROUP_SEARCH_BASE = env_str("LDAP_GROUP_SEARCH_BASE")
LDAP_GROUP_FILTER = env_str("LDAP_GROUP_FILTER", "(objectClass=group)")
LDAP_ROLE_GROUPS = parse_role_groups("LDAP_ROLE_GROUPS", env_str("LDAP_ROLE_GROUPS"))
if LDAP_URL:
    for required in ("LDAP_USER_SEARCH_BASE", "LDAP_GROUP_SEARCH_BASE", "LDAP_ROLE_GROUPS"):
        env_required(required, because="LDAP_URL is set")
    if LDAP_URL.startswith("ldap://") and not LDAP_START_TLS and not env_bool("LDAP_ALLOW_PLAIN_TEXT", False):
        raise ImproperlyConfigured(
            "LDAP_URL sends passwords unencrypted: use ldaps:// or LDAP_START_TLS=true "
            "(LDAP_ALLOW_PLAIN_TEXT=true only for a directory on this machine)."
        )
    # Before the local accounts: a directory account that is refused is not tried as a local one.
    AUTHENTICATION_BACKENDS.insert(-1, "staff_sign_in.directory.HospitalLDAPBackend")

# Only staff have sessions: they end after a working day, or an idle hour (portal/staff_sessions.py).
STAFF_SESSION_MAX_SECONDS = env_int("STAFF_SESSION_MAX_HOURS", 10) * 3600
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_MINUTES", 60) * 60
SESSION_COOKIE_AGE = STAFF_SESSION_MAX_SECONDS

# How long the portal keeps what it stores, in days (`manage.py clean_up_stored_data`, run daily by
# the scheduler, deletes anything older). The privacy notice shows these values, so it cannot drift.
FEEDBACK_RETENTION_DAYS = env_days("FEEDBACK_RETENTION_DAYS", 365)  # "Was this page helpful?" answers
SEARCH_COUNTS_RETENTION_DAYS = env_days("SEARCH_COUNTS_RETENTION_DAYS", 365)  # searches per day, by words
LOGIN_RECORDS_RETENTION_DAYS = env_days("LOGIN_RECORDS_RETENTION_DAYS", 90)  # staff sign-ins (django-axes)
# The privacy notice's table of what is stored (education.blocks.StoredDataBlock): written beside the clean-up.
STORED_DATA_ROWS = "operations.retention.stored_data"
# Wagtail's own clean-up of search counts (searchpromotions_garbage_collect) keeps them as long.
WAGTAILSEARCH_HITS_MAX_AGE = SEARCH_COUNTS_RETENTION_DAYS

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# SAMEORIGIN: the Wagtail admin previews pages in a same-origin frame. Other sites may frame only
# the embed views, and only from the allowlist (CSP frame-ancestors, integrations/framing.py).
X_FRAME_OPTIONS = "SAMEORIGIN"
EMBED_ALLOWED_ORIGINS = env_list("EMBED_ALLOWED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), browsing-topics=()"
)
# The public pages load nothing from another origin and run no inline script, so one strict
# policy serves every cached page (no per-request nonce). The admin keeps Wagtail's own needs.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# Review reminders, workflow notices and urgent-correction alerts go to the hospital's mail relay.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # a mail relay that hangs must not hold a request

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "portal.log_format.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env_str("LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Background tasks run inline here; their per-task progress lines are noise.
        "django_tasks": {"level": "WARNING"},
        # Wagtail's per-publish lines repeat what its audit log already keeps.
        "wagtail": {"level": env_str("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}
