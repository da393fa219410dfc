"""The page cache: fast for anonymous readers, never stale after a change, never shared when
it must not be."""

import gzip
import time

import pytest

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.signals import request_started
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from caching import page_cache, record
from education.models import GlossaryTerm
from integrations.models import EmbedSettings
from portal import faults
from tests import factories
from tests.caching.kept_client import KeptResponsesClient
from tests.conftest import page_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """Readers reach the site through the WSGI layer that keeps responses, as on a server."""
    return KeptResponsesClient()


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture(autouse=True)
def pages():
    """Two therapy pages in a hub in the menu (one using a glossary word), a condition the first is
    used for in a second hub, an article and an FAQ page: what the kept copies are made of."""
    factories.GlossaryTermFactory(term="Widget cell", also_known_as="Widget cells")
    types = factories.SectionPageFactory(title="Widget types", show_in_menus=True)
    uses = factories.SectionPageFactory(title="Widget uses", show_in_menus=True)
    disease = factories.ConditionPageFactory(parent=uses, title="Widget disease")
    factories.TherapyTypePageFactory(parent=types, title="Widget cytokines", used_for=[disease])
    factories.TherapyTypePageFactory(
        parent=types, title="Widget checkpoints", how_it_works="<p>They wake up your Widget cells.</p>"
    )
    factories.ArticlePageFactory(title="Widget aftercare")
    factories.FAQIndexPageFactory(title="Widget questions")


def test_second_anonymous_view_is_served_from_the_cache_without_queries(client):
    first = client.get("/en/widget-types/widget-cytokines/")
    assert first["X-Cache"] == "miss"
    # Only the record of change is read, on the raw connection: no query through the ORM.
    # (tests/caching/test_record.py shows every request reads the record.)
    with CaptureQueriesContext(connection) as captured:
        second = client.get("/en/widget-types/widget-cytokines/")
    assert second["X-Cache"] == "hit" and len(captured) == 0
    assert second.content == first.content
    assert "public" in second["Cache-Control"] and "must-revalidate" in second["Cache-Control"]
    assert not second.cookies


def test_a_hit_is_answered_before_django_handles_a_request(client):
    client.get("/en/widget-types/widget-cytokines/")
    started = []
    request_started.connect(started.append, dispatch_uid="counting")
    try:
        assert client.get("/en/widget-types/widget-cytokines/")["X-Cache"] == "hit"
    finally:
        request_started.disconnect(dispatch_uid="counting")
    assert started == []


def test_the_first_reader_gets_what_every_later_reader_gets(client):
    first = client.get("/en/widget-types/widget-cytokines/", HTTP_ACCEPT_ENCODING="gzip")
    later = client.get("/en/widget-types/widget-cytokines/", HTTP_ACCEPT_ENCODING="gzip")
    assert (first["X-Cache"], later["X-Cache"]) == ("miss", "hit")
    per_answer = {"X-Cache", "X-Request-ID", "Date"}
    assert {k: v for k, v in first.items() if k not in per_answer} == {
        k: v for k, v in later.items() if k not in per_answer
    }
    assert first.content == later.content and first["Content-Encoding"] == "gzip"


def test_every_answer_has_its_own_request_id_and_keeps_the_proxys(client):
    client.get("/en/widget-types/widget-cytokines/")
    ids = {client.get("/en/widget-types/widget-cytokines/")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
    assert (
        client.get("/en/widget-types/widget-cytokines/", HTTP_X_REQUEST_ID="proxy-id-1234")["X-Request-ID"]
        == "proxy-id-1234"
    )
    assert (
        client.get("/en/widget-types/widget-cytokines/", HTTP_X_REQUEST_ID="bad id<script>")["X-Request-ID"]
        != "bad id<script>"
    )


def test_a_head_request_is_never_kept_for_later_gets(client):
    assert client.head("/en/widget-types/widget-cytokines/").status_code == 200
    response = client.get("/en/widget-types/widget-cytokines/")
    assert response["X-Cache"] == "miss" and "Widget cytokines" in response.content.decode()


def test_while_the_database_is_known_to_be_away_readers_get_the_clear_503(client, monkeypatch):
    client.get("/en/widget-types/widget-cytokines/")
    monkeypatch.setattr(faults, "_database_down_until", time.monotonic() + 60)
    response = client.get("/en/widget-types/widget-cytokines/")
    assert response.status_code == 503 and "X-Cache" not in response


def test_etag_revalidation_gives_304(client):
    etag = client.get("/en/widget-types/widget-cytokines/")["ETag"]
    assert client.get("/en/widget-types/widget-cytokines/", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize(
    "path", ["/en/widget-types/widget-cytokines/", "/en/widget-types/", "/en/widget-uses/widget-disease/"]
)
def test_publish_shows_at_once_everywhere_it_appears(client, path):
    client.get(path)
    page = page_at("/en/widget-types/widget-cytokines/")
    page.title = "Widget cytokines (updated)"
    page.save_revision().publish()
    assert "Widget cytokines (updated)" in client.get(path).content.decode()


def test_unpublish_and_delete_take_effect_at_once(client):
    client.get("/en/widget-types/widget-cytokines/")
    page_at("/en/widget-types/widget-cytokines/").unpublish()
    assert client.get("/en/widget-types/widget-cytokines/").status_code == 404
    client.get("/en/widget-aftercare/")
    page_at("/en/widget-aftercare/").delete()
    assert client.get("/en/widget-aftercare/").status_code == 404


def test_move_updates_menus_and_breadcrumbs(client):
    client.get("/en/widget-types/widget-cytokines/")
    page = page_at("/en/widget-types/widget-cytokines/")
    page.move(page_at("/en/widget-uses/"), pos="last-child")
    # Wagtail leaves a redirect at the old address.
    moved = client.get("/en/widget-types/widget-cytokines/")
    assert moved.status_code == 301 and moved["Location"] == "/en/widget-uses/widget-cytokines/"
    assert 'href="/en/widget-uses/"' in client.get("/en/widget-uses/widget-cytokines/").content.decode()


def test_snippet_and_setting_changes_show_at_once(client, portal_settings):
    client.get("/en/widget-types/widget-checkpoints/")
    term = GlossaryTerm.objects.get(slug="widget-cell")
    term.definition = "Freshly edited definition."
    term.save()
    assert "Freshly edited definition." in client.get("/en/widget-types/widget-checkpoints/").content.decode()
    portal_settings.emergency_number = "112"
    portal_settings.save()
    assert 'href="tel:112"' in client.get("/en/widget-types/widget-checkpoints/").content.decode()


def test_signed_in_editors_are_never_cached_or_served_cached_pages(client):
    anonymous = client.get("/en/widget-types/widget-cytokines/")
    client.force_login(get_user_model().objects.create_superuser("ed", "ed@example.org", "a-long-password-1"))
    response = client.get("/en/widget-types/widget-cytokines/")
    assert "X-Cache" not in response
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response.content != anonymous.content  # the editor sees the userbar
    client.logout()
    assert "userbar" not in client.get("/en/widget-types/widget-cytokines/").content.decode()


def test_head_requests_use_the_cache_too(client):
    client.get("/en/widget-types/widget-cytokines/")
    response = client.head("/en/widget-types/widget-cytokines/")
    assert response.status_code == 200 and response["X-Cache"] == "hit"


def test_embeds_keep_their_frame_ancestors_when_cached(client):
    settings = EmbedSettings.load()
    settings.allowed_origins = "https://intranet.example.org"
    settings.save()
    client.get("/en/embed/widget-types/widget-cytokines/")
    cached = client.get("/en/embed/widget-types/widget-cytokines/")
    assert cached["X-Cache"] == "hit"
    assert "frame-ancestors 'self' https://intranet.example.org" in cached["Content-Security-Policy"]


def test_search_and_feedback_are_never_cached(client):
    assert "X-Cache" not in client.get("/en/search/?q=fever")
    assert "X-Cache" not in client.get("/en/search/?q=fever")
    page = page_at("/en/widget-questions/")
    assert "X-Cache" not in client.post(
        "/en/feedback/", {"page": page.pk, "helpful": "yes"}, HTTP_ORIGIN="http://testserver"
    )


def test_api_and_feed_are_cached_and_invalidated(client):
    client.get("/api/v2/pages/?limit=50&fields=title")
    assert client.get("/api/v2/pages/?limit=50&fields=title")["X-Cache"] == "hit"
    page = page_at("/en/widget-types/widget-cytokines/")
    page.title = "Widget cytokines API-FRESH"
    page.save_revision().publish()
    assert "Widget cytokines API-FRESH" in client.get("/api/v2/pages/?limit=50&fields=title").content.decode()
    client.get("/en/feeds/updates/")
    assert "Widget cytokines API-FRESH" in client.get("/en/feeds/updates/").content.decode()


def test_query_parameters_a_view_does_not_read_share_the_bare_addresss_copy(client):
    bare = client.get("/en/widget-types/widget-cytokines/")
    for noise in ("?n=81723", "?n=99&utm_source=ward", "?q=%3Cscript%3E", "?"):
        response = client.get("/en/widget-types/widget-cytokines/" + noise)
        # Neither a render nor an entry of its own: the bare address's copy, byte for byte.
        assert response["X-Cache"] == "hit", noise
        assert response.content == bare.content
    assert client.get("/en/embed/widget-types/widget-cytokines/?n=1")["X-Cache"] == "miss"
    assert client.get("/en/embed/widget-types/widget-cytokines/?n=2")["X-Cache"] == "hit"


def test_query_parameters_a_view_reads_still_make_their_own_answer(client):
    # The sitemap pages by ?p=: a page past the last is a 404, not the first page's copy.
    assert client.get("/sitemap.xml?p=1&n=1").status_code == 200
    assert client.get("/sitemap.xml?p=1&n=2")["X-Cache"] == "hit"
    assert client.get("/sitemap.xml?p=9").status_code == 404
    # The API checks every parameter itself: an unknown one is still refused, never dropped.
    assert client.get("/api/v2/pages/?limit=5&n=1").status_code == 400
    assert client.get("/api/v2/pages/?limit=5").json()["items"] != client.get("/api/v2/pages/?limit=6").json()["items"]


def test_browsers_that_accept_gzip_get_the_stored_compressed_copy(client):
    plain = client.get("/en/widget-types/widget-cytokines/")
    compressed = client.get("/en/widget-types/widget-cytokines/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["X-Cache"] == "hit" and compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2
    assert "Accept-Encoding" in compressed["Vary"] and "Accept-Encoding" in plain["Vary"]
    # Same meaning, different bytes: a weak validator that still revalidates either copy.
    assert compressed["ETag"] == "W/" + plain["ETag"]
    revalidated = client.get(
        "/en/widget-types/widget-cytokines/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"]
    )
    assert revalidated.status_code == 304


def test_a_change_recorded_by_another_process_is_never_hidden_by_this_workers_copy(client):
    first = client.get("/en/widget-types/widget-cytokines/")
    assert client.get("/en/widget-types/widget-cytokines/")["X-Cache"] == "hit"
    # What another process's change does here: its trigger moves the record, nothing else.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE caching_changerecord SET any_change = any_change + 1")
    assert client.get("/en/widget-types/widget-cytokines/")["X-Cache"] == "miss"
    assert client.get("/en/widget-types/widget-cytokines/").content == first.content


@pytest.mark.parametrize(
    "path",
    [
        "/en/search/?q=fever",
        "/en/a-z/",
        "/en/handout/widget-types/widget-cytokines/",
        "/admin/login/",
        "/static/css/portal.css",
    ],
)
def test_views_that_did_not_opt_in_are_never_kept(client, path):
    assert client.get(path).status_code == 200
    assert "X-Cache" not in client.get(path)


def test_a_restricted_pages_password_form_is_never_kept(client):
    """It carries one reader's CSRF token, and the page behind it must never be shared."""
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=page_at("/en/widget-types/widget-cytokines/"),
        restriction_type=PageViewRestriction.PASSWORD,
        password="a-password-1",
    )
    for _ in range(2):
        response = client.get("/en/widget-types/widget-cytokines/")
        assert 'type="password"' in response.content.decode() and "X-Cache" not in response


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache every process shares (as Redis is), on disk: render-once needs one."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    return caches["default"]


class TestRenderOnce:
    """After a change, one request per address renders; the others wait for its entry."""

    @pytest.fixture(autouse=True)
    def shared(self, shared_cache):
        self.cache = shared_cache

    def lock_for(self, client, path):
        client.get(path)
        return page_cache.entry_key(RequestFactory().get(path).environ, record.generation())

    def test_a_request_waits_for_the_page_another_is_rendering(self, client, monkeypatch):
        key = self.lock_for(client, "/en/widget-types/widget-cytokines/")
        stored = self.cache.get(key)
        self.cache.delete(key)
        page_cache.local_copies.clear()
        self.cache.add(f"{key}:rendering", 1, 10)
        polls = []

        def another_request_finishes(seconds):
            polls.append(seconds)
            if len(polls) == 3:
                self.cache.set(key, stored)

        monkeypatch.setattr(page_cache.time, "sleep", another_request_finishes)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/en/widget-types/widget-cytokines/")
        assert response["X-Cache"] == "hit" and len(polls) == 3 and len(captured) == 0

    def test_when_the_other_request_gives_up_the_waiter_renders_itself(self, client, monkeypatch):
        key = self.lock_for(client, "/en/widget-types/widget-cytokines/")
        self.cache.delete(key)
        page_cache.local_copies.clear()
        self.cache.add(f"{key}:rendering", 1, 10)
        monkeypatch.setattr(page_cache.time, "sleep", lambda seconds: self.cache.delete(f"{key}:rendering"))
        response = client.get("/en/widget-types/widget-cytokines/")
        assert response.status_code == 200 and response["X-Cache"] == "miss"

    def test_waiters_look_less_often_the_longer_they_wait(self, client, monkeypatch):
        key = self.lock_for(client, "/en/widget-types/widget-cytokines/")
        self.cache.delete(key)
        page_cache.local_copies.clear()
        self.cache.add(f"{key}:rendering", 1, 10)
        pauses = []
        monkeypatch.setattr(page_cache.time, "sleep", pauses.append)
        clock = iter(range(0, 1000))
        monkeypatch.setattr(page_cache.time, "monotonic", lambda: next(clock) * 0.25)
        client.get("/en/widget-types/widget-cytokines/")
        assert pauses[0] < 0.01 and pauses == sorted(pauses) and pauses[-1] == page_cache.LONGEST_POLL_SECONDS

    def test_a_stuck_render_delays_others_by_at_most_two_seconds(self, client, monkeypatch):
        key = self.lock_for(client, "/en/widget-types/widget-cytokines/")
        self.cache.delete(key)
        page_cache.local_copies.clear()
        self.cache.add(f"{key}:rendering", 1, 10)
        clock = iter(range(0, 1000))
        monkeypatch.setattr(page_cache.time, "monotonic", lambda: next(clock) * 0.1)
        monkeypatch.setattr(page_cache.time, "sleep", lambda seconds: None)
        response = client.get("/en/widget-types/widget-cytokines/")
        assert response["X-Cache"] == "miss"

    def test_without_a_shared_cache_nothing_waits(self, client, monkeypatch, settings):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        monkeypatch.setattr(page_cache.time, "sleep", lambda seconds: pytest.fail("waited for a lock"))
        assert client.get("/en/widget-types/widget-cytokines/")["X-Cache"] == "miss"
