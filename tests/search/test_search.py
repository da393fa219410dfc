"""Site search: what patients type finds the right page; bad input never breaks it."""

from unittest.mock import Mock

import pytest

from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page, PageViewRestriction
from wagtail.search.backends import get_search_backend

from search import counts
from search.models import SearchSynonym, UnansweredSearch
from search.query import MAX_QUERY_LENGTH, clean
from tests.conftest import page_at
from tests.html_outline import flat_headings

pytestmark = pytest.mark.django_db


def first_results(client, query: str, count: int = 3) -> list[str]:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [result.url for result in response.context["results"]][:count]


@pytest.mark.parametrize(
    ("query", "expected_url"),
    [
        ("Keytruda", "/types/checkpoint-inhibitors/"),
        ("pembrolizumab", "/types/checkpoint-inhibitors/"),
        ("CAR-T", "/types/car-t-cell-therapy/"),
        ("CAR T", "/types/car-t-cell-therapy/"),
        ("chimeric antigen receptor", "/types/car-t-cell-therapy/"),
        ("PD-1", "/types/checkpoint-inhibitors/"),
        ("imunotherapy", "/what-is-immunotherapy/"),
        ("get help", "/get-help-now/"),
    ],
)
def test_what_patients_type_finds_the_right_page(client, query, expected_url):
    assert expected_url in first_results(client, query, count=4)


def test_abbreviation_finds_glossary_entry_first(client):
    response = client.get("/search/", {"q": "irAE"})
    results = list(response.context["results"])
    assert results[0].kind == "Word list" and results[0].url.startswith("/glossary/#")


def test_typo_shows_the_corrected_words(client):
    html = client.get("/search/", {"q": "imunotherapy"}).content.decode()
    assert "Showing results for <strong>immunotherapy</strong>" in html


def test_synonyms_are_editable_data(client):
    SearchSynonym.objects.create(term="Stem cell jab", expansion="cancer vaccines")
    assert "/types/cancer-vaccines/" in first_results(client, "stem cell jab", count=5)


def test_matching_words_are_highlighted_and_results_paginated(client):
    response = client.get("/search/", {"q": "side effects"})
    html = response.content.decode()
    assert "<mark>" in html
    assert response.context["results"].paginator.num_pages >= 2
    second = client.get("/search/", {"q": "side effects", "page": 2})
    assert second.status_code == 200 and second.context["results"].number == 2


def test_no_results_suggests_a_to_z_and_topics(client):
    html = client.get("/search/", {"q": "zzqxv"}).content.decode()
    assert "No results for zzqxv" in html
    assert 'href="/a-z/"' in html and 'href="/types/"' in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "a" * 10_000,
        "!!! ??? ...",
        "cancer & !melanoma | (lung) <-> 'x':*",
        "😷🤒💉",
        "مناعة علاج",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%",
    ],
)
def test_bad_input_never_breaks_search(client, query):
    response = client.get("/search/", {"q": query, "page": "not-a-number"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_long_query_is_cut_before_the_backend():
    query = clean("fever " * 5000)
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert len(query.words) <= 12 and query.was_cut


def test_drafts_and_private_pages_are_not_found(client):
    page = page_at("/supporting-someone/")
    page.title = "Supporting someone zebracorn"
    page.save_revision()
    assert "/supporting-someone/" not in first_results(client, "zebracorn", count=20)
    page.unpublish()
    assert "/supporting-someone/" not in first_results(client, "caregiver", count=50)


def test_queries_are_counted_without_personal_data(client):
    client.get("/search/", {"q": "Fever"}, REMOTE_ADDR="203.0.113.7")
    client.get("/search/", {"q": "zzqxv"})
    assert Query.objects.get(query_string="fever").daily_hits.get().hits == 1
    unanswered = UnansweredSearch.objects.get(query_string="zzqxv")
    assert unanswered.count == 1
    assert "203.0.113.7" not in str(UnansweredSearch.objects.values())


class TestCountsInBatches:
    """Each worker adds its counts up and writes them together, so a kept answer costs no writes."""

    @pytest.fixture(autouse=True)
    def write_once_a_minute(self, settings):
        settings.SEARCH_COUNTS_FLUSH_SECONDS = 60
        counts.flush()  # start the minute now, with nothing pending

    def test_counts_wait_for_the_minute_then_all_arrive(self, client):
        for query in ("fever", "Fever", "zzqxv"):
            client.get("/search/", {"q": query})
        assert Query.get("fever").hits == 0 and not UnansweredSearch.objects.exists()
        counts.flush()
        assert Query.get("fever").hits == 2
        assert UnansweredSearch.objects.get(query_string="zzqxv").count == 1

    def test_counts_are_kept_while_the_database_is_unavailable(self, client, monkeypatch):
        client.get("/search/", {"q": "fever"})
        monkeypatch.setattr(counts, "_write", Mock(side_effect=OperationalError("server closed the connection")))
        counts.flush()
        monkeypatch.undo()
        client.get("/search/", {"q": "fever"})
        counts.flush()
        assert Query.get("fever").hits == 2


def test_promoted_result_is_shown_first(client):
    query = Query.get("fever")
    SearchPromotion.objects.create(query=query, page=page_at("/get-help-now/"), sort_order=0)
    html = client.get("/search/", {"q": "fever"}).content.decode()
    main = html[html.index("<main") :]
    assert main.index("Recommended") < main.index('href="/get-help-now/"') < main.index("result")
    assert flat_headings(html) == []  # the picks' titles sit under "Recommended"


def test_a_to_z_lists_pages_and_glossary_words(client):
    html = client.get("/a-z/").content.decode()
    html = html[html.index("<main") :]
    assert 'href="/types/cytokines/"' in html
    assert 'href="/glossary/#t-cell"' in html
    assert html.index(">Cytokines<") < html.index(">Get help now<")


class TestKeptAnswers:
    """With the page cache on, a repeated question is answered from memory, and never stale."""

    @pytest.fixture(autouse=True)
    def page_cache_on(self, settings):
        settings.PAGE_CACHE_ENABLED = True

    def test_a_repeated_question_is_answered_from_memory_and_still_counted(self, client):
        first = client.get("/search/?q=fever").content.decode()
        with CaptureQueriesContext(connection) as captured:
            second = client.get("/search/?q=fever").content.decode()
        assert second == first
        # Nothing is searched, ranked or rendered again: the only queries left write the count.
        searched = [query for query in captured if "wagtailsearch_indexentry" in query["sql"]]
        assert not searched and not [query for query in captured if "wagtailcore_page" in query["sql"]]
        assert Query.get("fever").hits == 2

    def test_each_results_page_is_kept_apart(self, client):
        first_page = client.get("/search/?q=immunotherapy").content.decode()
        second_page = client.get("/search/?q=immunotherapy&page=2").content.decode()
        assert "Page 1 of" in first_page and "Page 2 of" in second_page

    def test_editors_get_a_fresh_answer_and_readers_never_get_theirs(self, client, admin_user):
        client.get("/search/?q=fever")
        client.force_login(admin_user)
        assert "wagtail-userbar" in client.get("/search/?q=fever").content.decode()
        client.logout()
        assert "wagtail-userbar" not in client.get("/search/?q=fever").content.decode()

    def test_a_new_promotion_shows_at_once(self, client):
        assert "Recommended" not in client.get("/search/?q=fever").content.decode()
        SearchPromotion.objects.create(query=Query.get("fever"), page=page_at("/get-help-now/"), sort_order=0)
        assert "Recommended" in client.get("/search/?q=fever").content.decode()

    def test_a_publish_changes_the_answer_at_once(self, client):
        assert "Cytokines" in client.get("/search/?q=cytokines").content.decode()
        page_at("/types/cytokines/").unpublish()
        assert 'href="/types/cytokines/"' not in client.get("/search/?q=cytokines").content.decode()

    def test_a_new_synonym_changes_the_answer_at_once(self, client):
        assert "No results" in client.get("/search/?q=zorblax").content.decode()
        SearchSynonym.objects.create(term="zorblax", expansion="cytokines")
        assert 'href="/types/cytokines/"' in client.get("/search/?q=zorblax").content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search only")
def test_postgresql_search_uses_the_combined_index_and_does_not_send_the_vector_back():
    # The backend answers what the postings cannot (tests/search/test_postings.py).
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'portal_search_title_body_gin'")
        assert cursor.fetchone() is not None
    with CaptureQueriesContext(connection) as captured:
        found = get_search_backend().search("cytokines", Page.objects.live(), operator="or")[:10]
        assert page_at("/types/cytokines/").pk in [page.pk for page in found]
    searches = [query["sql"] for query in captured if "@@" in query["sql"]]
    assert searches and not [sql for sql in searches if '"_vector_"' in sql]
    for sql in searches:
        # Ranked with a named configuration (the query parsed once, at planning), filtered
        # without one (a constant there makes the planner skip the index).
        where, order_by = sql.split(" ORDER BY ")
        assert "ts_rank" in order_by and "::regconfig" in order_by
        assert "@@ (to_tsquery('" in where and "::regconfig" not in where


def test_a_promoted_link_elsewhere_is_shown_with_its_text(client):
    # Wagtail lets an editor promote a link instead of a page; it must not break the search.
    SearchPromotion.objects.create(
        query=Query.get("fever"),
        external_link_url="https://intranet.example.org/oncology-ward/",
        external_link_text="Oncology ward: who to call",
        description="Our ward's own advice line.",
        sort_order=0,
    )
    response = client.get("/search/", {"q": "fever"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="https://intranet.example.org/oncology-ward/"' in html
    assert "Oncology ward: who to call" in html and "Our ward&#x27;s own advice line." in html


def test_a_promoted_private_or_unpublished_page_is_not_shown(client):
    private, draft = page_at("/get-help-now/"), page_at("/types/cytokines/")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    draft.unpublish()
    for page in (private, draft):
        SearchPromotion.objects.create(query=Query.get("fever"), page=page, sort_order=0)
    html = client.get("/search/", {"q": "fever"}).content.decode()
    assert "Recommended" not in html
