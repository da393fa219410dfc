"""Site search: what patients type finds the right page; bad input never breaks it."""

import pytest

from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page, PageViewRestriction
from wagtail.search.backends import get_search_backend

from education.models import GlossaryPage
from search import counts
from search.models import SearchSynonym, UnansweredSearch
from search.query import MAX_QUERY_LENGTH, clean
from tests import factories
from tests.conftest import page_at
from tests.html_outline import flat_headings

pytestmark = pytest.mark.django_db

# What counting one search writes (search/counts.py); a search answered afresh reads far more.
COUNTING_A_SEARCH = 5


def database_unavailable(execute, sql, params, many, context):
    """Every statement fails, as when the database server has gone away."""
    raise OperationalError("server closed the connection")


def first_results(client, query: str, count: int = 3) -> list[str]:
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    return [result.url for result in response.context["results"]][:count]


@pytest.fixture
def therapy():
    """A therapy page with words no other page uses: its name, a medicine, a receptor."""
    return factories.TherapyTypePageFactory(
        parent=factories.SectionPageFactory(title="Widget treatments"),
        title="Zorblaxium therapy",
        how_it_works="<p>It blocks the ZQ-9 switch on immune cells.</p>",
        medicines__0__medicine__generic_name="quintarumab",
        medicines__0__medicine__brand_name="Quintrana",
    )


@pytest.mark.parametrize("query", ["Quintrana", "quintarumab", "ZQ-9", "zorblaxium", "zorblaxum"])
def test_what_patients_type_finds_the_right_page(client, therapy, query):
    # A brand name, a generic name, an abbreviation, the name, and a typo of it.
    assert therapy.url in first_results(client, query, count=4)


def test_abbreviation_finds_glossary_entry_first(client):
    factories.GlossaryTermFactory(term="Zorblax reaction", also_known_as="ZRX")
    response = client.get("/en/search/", {"q": "ZRX"})
    results = list(response.context["results"])
    glossary = GlossaryPage.objects.live().get(locale__language_code="en")
    assert results[0].kind == "Word list" and results[0].url == f"{glossary.url}#zorblax-reaction"


def test_typo_shows_the_corrected_words(client, therapy):
    html = client.get("/en/search/", {"q": "zorblaxum"}).content.decode()
    assert "Showing results for <strong>zorblaxium</strong>" in html


def test_synonyms_are_editable_data(client, therapy):
    assert therapy.url not in first_results(client, "stem cell jab", count=5)
    SearchSynonym.objects.create(term="Stem cell jab", expansion="zorblaxium")
    assert therapy.url in first_results(client, "stem cell jab", count=5)


def test_matching_words_are_highlighted_and_results_paginated(client):
    for number in range(12):
        factories.ArticlePageFactory(title=f"Zorblaxium facts {number}")
    response = client.get("/en/search/", {"q": "zorblaxium facts"})
    html = response.content.decode()
    assert "<mark>" in html
    assert response.context["results"].paginator.num_pages >= 2
    second = client.get("/en/search/", {"q": "zorblaxium facts", "page": 2})
    assert second.status_code == 200 and second.context["results"].number == 2


def test_no_results_suggests_a_to_z_and_topics(client):
    topic = factories.SectionPageFactory(title="Widget treatments", show_in_menus=True)
    html = client.get("/en/search/", {"q": "zzqxv"}).content.decode()
    assert "No results for zzqxv" in html
    assert 'href="/en/a-z/"' in html and f'href="{topic.url}"' in html


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
    response = client.get("/en/search/", {"q": query, "page": "not-a-number"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_long_query_is_cut_before_the_backend():
    query = clean("fever " * 5000)
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert len(query.words) <= 12 and query.was_cut


def test_drafts_and_private_pages_are_not_found(client):
    page = factories.ArticlePageFactory(title="Widget carers", search_description="Help for a quintacarer.")
    assert page.url in first_results(client, "quintacarer", count=20)
    page.title = "Widget carers zebracorn"
    page.save_revision()
    assert page.url not in first_results(client, "zebracorn", count=20)
    private = factories.ArticlePageFactory(title="Widget ward", search_description="For the quintaward only.")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert private.url not in first_results(client, "quintaward", count=20)
    page.unpublish()
    assert page.url not in first_results(client, "quintacarer", count=50)


def test_queries_are_counted_without_personal_data(client):
    client.get("/en/search/", {"q": "Fever"}, REMOTE_ADDR="203.0.113.7")
    client.get("/en/search/", {"q": "zzqxv"})
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
            client.get("/en/search/", {"q": query})
        assert Query.get("fever").hits == 0 and not UnansweredSearch.objects.exists()
        counts.flush()
        assert Query.get("fever").hits == 2
        assert UnansweredSearch.objects.get(query_string="zzqxv").count == 1

    def test_counts_are_kept_while_the_database_is_unavailable(self, client):
        client.get("/en/search/", {"q": "fever"})
        with connection.execute_wrapper(database_unavailable):
            counts.flush()
        client.get("/en/search/", {"q": "fever"})
        counts.flush()
        assert Query.get("fever").hits == 2


def test_promoted_result_is_shown_first(client):
    query = Query.get("fever")
    page = factories.ArticlePageFactory(title="Widget help")
    SearchPromotion.objects.create(query=query, page=page, sort_order=0)
    html = client.get("/en/search/", {"q": "fever"}).content.decode()
    main = html[html.index("<main") :]
    assert main.index("Recommended") < main.index(f'href="{page.url}"') < main.index("result")
    assert flat_headings(html) == []  # the picks' titles sit under "Recommended"


def test_a_to_z_lists_pages_and_glossary_words(client):
    hub = factories.SectionPageFactory(title="Widget treatments")
    factories.ArticlePageFactory(parent=hub, title="Zymurgy widgets")
    factories.ArticlePageFactory(parent=hub, title="Aardvark widgets")
    factories.GlossaryTermFactory(term="Widget cell")
    html = client.get("/en/a-z/").content.decode()
    html = html[html.index("<main") :]
    assert 'href="/en/widget-treatments/aardvark-widgets/"' in html
    assert f'href="{GlossaryPage.objects.live().get(locale__language_code="en").url}#widget-cell"' in html
    assert html.index(">Aardvark widgets<") < html.index(">Zymurgy widgets<")


class TestKeptAnswers:
    """With the page cache on, a repeated question is answered from memory, and never stale."""

    @pytest.fixture(autouse=True)
    def page_cache_on(self, settings):
        settings.PAGE_CACHE_ENABLED = True

    def test_a_repeated_question_is_answered_from_memory_and_still_counted(self, client, django_assert_num_queries):
        first = client.get("/en/search/?q=fever").content.decode()
        # Nothing is searched, ranked or rendered again: the only queries left write the count.
        with django_assert_num_queries(COUNTING_A_SEARCH):
            second = client.get("/en/search/?q=fever").content.decode()
        assert second == first
        assert Query.get("fever").hits == 2

    def test_each_results_page_is_kept_apart(self, client):
        first_page = client.get("/en/search/?q=immunotherapy").content.decode()
        second_page = client.get("/en/search/?q=immunotherapy&page=2").content.decode()
        assert "Page 1 of" in first_page and "Page 2 of" in second_page

    def test_editors_get_a_fresh_answer_and_readers_never_get_theirs(self, client, admin_user):
        client.get("/en/search/?q=fever")
        client.force_login(admin_user)
        assert "wagtail-userbar" in client.get("/en/search/?q=fever").content.decode()
        client.logout()
        assert "wagtail-userbar" not in client.get("/en/search/?q=fever").content.decode()

    def test_a_new_promotion_shows_at_once(self, client):
        assert "Recommended" not in client.get("/en/search/?q=fever").content.decode()
        SearchPromotion.objects.create(query=Query.get("fever"), page=factories.ArticlePageFactory(), sort_order=0)
        assert "Recommended" in client.get("/en/search/?q=fever").content.decode()

    def test_a_publish_changes_the_answer_at_once(self, client, therapy):
        assert f'href="{therapy.url}"' in client.get("/en/search/?q=zorblaxium").content.decode()
        therapy.unpublish()
        assert f'href="{therapy.url}"' not in client.get("/en/search/?q=zorblaxium").content.decode()

    def test_a_new_synonym_changes_the_answer_at_once(self, client, therapy):
        assert "No results" in client.get("/en/search/?q=qqzzb").content.decode()
        SearchSynonym.objects.create(term="qqzzb", expansion="zorblaxium")
        assert f'href="{therapy.url}"' in client.get("/en/search/?q=qqzzb").content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search only")
def test_postgresql_search_uses_the_combined_index_and_does_not_send_the_vector_back():
    # The backend answers what the postings cannot (tests/search/test_postings.py).
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'portal_search_title_body_gin'")
        assert cursor.fetchone() is not None
    with CaptureQueriesContext(connection) as captured:
        found = get_search_backend().search("cytokines", Page.objects.live(), operator="or")[:10]
        assert page_at("/en/types/cytokines/").pk in [page.pk for page in found]
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
    response = client.get("/en/search/", {"q": "fever"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="https://intranet.example.org/oncology-ward/"' in html
    assert "Oncology ward: who to call" in html and "Our ward&#x27;s own advice line." in html


def test_a_promoted_private_or_unpublished_page_is_not_shown(client):
    private, draft = factories.ArticlePageFactory(), factories.ArticlePageFactory()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    draft.unpublish()
    for page in (private, draft):
        SearchPromotion.objects.create(query=Query.get("fever"), page=page, sort_order=0)
    html = client.get("/en/search/", {"q": "fever"}).content.decode()
    assert "Recommended" not in html
