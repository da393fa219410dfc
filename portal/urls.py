from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views import account
from wagtail.documents import urls as wagtaildocs_urls

from education.handout import handout
from feedback.views import submit as feedback_submit
from integrations import infobutton
from integrations.api import api_router
from integrations.embed import embed, embed_host_script
from integrations.feeds import UpdatedPagesFeed
from integrations.sitemap import sitemap
from portal import health, languages, robots
from portal.rate_limit import rate_limited
from search import views as search_views
from uploads.serving import rendition

urlpatterns = [
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("robots.txt", robots.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    # Each request for a reset sends an e-mail to a real person: limited per address.
    path(
        "admin/password_reset/",
        rate_limited("password_reset", methods=("POST",))(account.PasswordResetView.as_view()),
        name="wagtailadmin_password_reset",
    ),
    # Sign-in and sign-out (the hospital's identity provider, a second factor) before Wagtail's own.
    path("", include("staff_sign_in.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/", api_router.urls),
    path("infobutton/service", infobutton.service, name="infobutton_service"),
    path("infobutton/application", infobutton.application, name="infobutton_application"),
    path("documents/", include(wagtaildocs_urls)),
    path("embed/host.js", embed_host_script, name="embed_host_script"),
]

if settings.SERVE_MEDIA:
    # MEDIA_URL's default; a deployment that moves media has a web server serving it.
    urlpatterns.append(path("media/images/<path:name>", rendition, name="rendition"))

# What a reader reads, in each language under its own prefix (/en/…, /es/…).
urlpatterns += i18n_patterns(
    path("feeds/updates/", UpdatedPagesFeed(), name="feed_updates"),
    path("search/", search_views.search, name="search"),
    path("a-z/", search_views.a_to_z, name="a_to_z"),
    path("handout/<path:path>", handout, name="handout"),
    path("feedback/", feedback_submit, name="feedback"),
    path("embed/", embed, name="embed_home"),
    path("embed/<path:path>", embed, name="embed"),
    path("", include(wagtail_urls)),
)

# Addresses from before the portal had languages.
urlpatterns += [
    path("", languages.front_door, name="front_door"),
    re_path(r"^(?P<path>.+)$", languages.moved_to_english, name="moved_to_english"),
]

handler500 = "portal.faults.server_error_or_unavailable"
