"""The words patients type find the page a clinic wrote for them: brand and generic names, the
abbreviations staff use, a common typo. An editorial check: it holds the content files (and the
synonyms shipped with search) to the words patients use. How search finds, ranks and corrects is
tested with pages built for the test in tests/search/test_search.py."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "expected_url"),
    [
        ("Keytruda", "/en/types/checkpoint-inhibitors/"),
        ("pembrolizumab", "/en/types/checkpoint-inhibitors/"),
        ("CAR-T", "/en/types/car-t-cell-therapy/"),
        ("CAR T", "/en/types/car-t-cell-therapy/"),
        ("chimeric antigen receptor", "/en/types/car-t-cell-therapy/"),
        ("PD-1", "/en/types/checkpoint-inhibitors/"),
        ("imunotherapy", "/en/what-is-immunotherapy/"),
        ("get help", "/en/get-help-now/"),
        ("irAE", "/en/glossary/#"),
    ],
)
def test_what_patients_type_finds_the_page_written_for_it(client, query, expected_url):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    found = [result.url for result in response.context["results"]][:4]
    assert any(url.startswith(expected_url) for url in found), found
