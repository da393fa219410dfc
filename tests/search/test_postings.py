"""The postings table (PostgreSQL only): same answers as the search backend, in the same order,
and in step with every change to the search index."""

from unittest.mock import patch

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from education.models import FAQ, ArticlePage, GlossaryTerm
from search import postings
from tests.conftest import page_at

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the postings exist on PostgreSQL only"),
]


def backend_ranking(queryset, text: str, limit: int) -> dict[int, float]:
    found = get_search_backend().search(text, queryset, operator="or").annotate_score("score")[:limit]
    return {obj.pk: obj.score for obj in found}


@pytest.mark.parametrize(
    "text",
    ["fever", "side effects", "immune system cells", "CAR-T", "checkpoint inhibitor melanoma lung", "the"],
)
@pytest.mark.parametrize(
    "queryset", [Page.objects.live, GlossaryTerm.objects.all, FAQ.objects.all], ids=["pages", "glossary", "faqs"]
)
def test_postings_find_what_the_backend_finds_in_its_order(queryset, text):
    limit = 1000  # everything, so that no near tie at the cut makes the two lists differ
    expected = backend_ranking(queryset(), text, limit)
    found = postings.best_matches(queryset(), text, limit)
    assert set(found) == set(expected)
    scores = [expected[pk] for pk in found]
    # The backend's scores, read in the postings' order, never rise (beyond float rounding).
    assert all(later <= earlier + 1e-6 for earlier, later in zip(scores, scores[1:], strict=False))


@pytest.mark.parametrize("text", ["side effects", "immune system cells", "CAR-T"])
def test_the_comparison_is_over_real_matches(text):
    for queryset in (Page.objects.live(), GlossaryTerm.objects.all(), FAQ.objects.all()):
        assert len(postings.best_matches(queryset, text, 1000)) > 1


def test_a_search_for_a_common_word_reads_the_postings_not_every_match(client):
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/en/search/?q=side+effects").content.decode()
    assert 'href="/en/side-effects-and-monitoring/"' in html
    sql = " ".join(query["sql"] for query in captured)
    assert "portal_search_posting" in sql and "ts_rank" not in sql


def test_a_term_of_several_words_is_left_to_the_backend(client):
    # "O'Brien" is one term but two words: modelsearch asks for them side by side.
    assert postings.words_of("O'Brien") is None
    assert postings.words_of("side-effects fever the") == ("side", "effect", "fever")
    assert postings.best_matches(Page.objects.live(), "O'Brien fever", 10) is None
    response = client.get("/en/search/", {"q": "O'Brien fever"})
    assert response.status_code == 200 and 'href="/en/get-help-now/"' in response.content.decode()


def test_stale_weights_are_not_used_and_the_log_says_how_to_rebuild(caplog):
    postings.postings_in_step.cache_clear()
    try:
        with patch.object(postings, "get_sql_weights", return_value="{0.1,0.2,0.4,1.0}"):
            assert postings.best_matches(Page.objects.live(), "fever", 10) is None
    finally:
        postings.postings_in_step.cache_clear()
    assert "migrating portal_search back to 0003" in caplog.text


def posted_words(page: ArticlePage) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM portal_search_posting WHERE content_type_id = %s AND object_pk = %s",
            [page.content_type_id, page.pk],
        )
        return {row[0] for row in cursor.fetchall()}


def test_postings_follow_publishing_editing_and_deleting():
    parent = page_at("/side-effects-and-monitoring/")
    page = parent.add_child(
        instance=ArticlePage(title="Zorblaxium facts", slug="zorblaxium", search_description="Facts.")
    )
    page.save_revision().publish()
    assert "zorblaxium" in posted_words(page)
    assert postings.best_matches(Page.objects.live(), "zorblaxium", 5) == [page.pk]

    page.title = "Quintaroon facts"
    page.save_revision().publish()
    assert "quintaroon" in posted_words(page) and "zorblaxium" not in posted_words(page)
    assert postings.best_matches(Page.objects.live(), "zorblaxium", 5) == []

    page.delete()
    assert posted_words(page) == set()


def test_emptying_the_index_empties_the_postings():
    # Django flushes a test database with TRUNCATE, which fires no row trigger.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE wagtailsearch_indexentry")
        cursor.execute("SELECT count(*) FROM portal_search_posting")
        assert cursor.fetchone()[0] == 0


def test_when_the_best_matches_are_held_out_the_next_best_are_found():
    best_two = postings.best_matches(Page.objects.all(), "fever", 2)
    Page.objects.filter(pk__in=best_two).update(live=False)
    scores = backend_ranking(Page.objects.live(), "fever", 1000)
    found = postings.best_matches(Page.objects.live(), "fever", 1)
    assert found and found[0] not in best_two
    assert scores[found[0]] >= max(scores.values()) - 1e-6
