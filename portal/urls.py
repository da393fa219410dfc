from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from education.handout import handout
from feedback.views import submit as feedback_submit
from integrations import infobutton
from integrations.api import api_router
from integrations.embed import embed, embed_host_script
from integrations.feeds import UpdatedPagesFeed
from integrations.sitemap import sitemap
from portal import health, robots
from search import views as search_views

urlpatterns = [
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("robots.txt", robots.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/", api_router.urls),
    path("feeds/updates/", UpdatedPagesFeed(), name="feed_updates"),
    path("infobutton/service", infobutton.service, name="infobutton_service"),
    path("infobutton/application", infobutton.application, name="infobutton_application"),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("a-z/", search_views.a_to_z, name="a_to_z"),
    path("handout/<path:path>", handout, name="handout"),
    path("feedback/", feedback_submit, name="feedback"),
    path("embed/host.js", embed_host_script, name="embed_host_script"),
    path("embed/", embed, name="embed_home"),
    path("embed/<path:path>", embed, name="embed"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler500 = "portal.faults.server_error_or_unavailable"
