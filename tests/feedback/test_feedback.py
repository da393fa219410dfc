"""'Was this page helpful?': works without JavaScript, refuses other sites and floods, keeps no
personal data, and editors can read and export it."""

import pytest

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from feedback.models import PageFeedback
from tests import factories
from tests.conftest import page_at

pytestmark = pytest.mark.django_db
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture(autouse=True)
def pages():
    """A therapy page in its hub, and an FAQ page, for readers to answer about."""
    factories.TherapyTypePageFactory(
        parent=factories.SectionPageFactory(title="Widget treatments"), title="Widget therapy"
    )
    factories.FAQIndexPageFactory(title="Widget questions")


def post(client, **data):
    return client.post("/en/feedback/", data, **ORIGIN)


def test_every_content_page_has_the_form_without_a_csrf_cookie(client):
    response = client.get("/en/widget-treatments/widget-therapy/")
    html = response.content.decode()
    assert 'action="/en/feedback/"' in html and 'name="helpful"' in html
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies


def test_answer_is_saved_with_comment_and_thanked(client):
    page = page_at("/en/widget-treatments/widget-therapy/")
    response = post(client, page=page.pk, helpful="no", comment="Too many long words.")
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    saved = PageFeedback.objects.get()
    assert (saved.page_id, saved.helpful, saved.comment) == (page.pk, False, "Too many long words.")


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 400),
        ({"helpful": "maybe"}, 400),
        ({"helpful": "yes", "comment": "x" * 501}, 400),
        ({"helpful": "yes", "page": 999_999}, 400),
    ],
)
def test_bad_answers_get_a_clear_400(client, data, status):
    data.setdefault("page", page_at("/en/widget-questions/").pk)
    response = post(client, **data)
    assert response.status_code == status
    assert PageFeedback.objects.count() == 0


def test_posts_from_other_sites_are_refused(client):
    page = page_at("/en/widget-questions/")
    assert client.post("/en/feedback/", {"page": page.pk, "helpful": "yes"}).status_code == 403
    response = client.post("/en/feedback/", {"page": page.pk, "helpful": "yes"}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert PageFeedback.objects.count() == 0


def test_unpublished_page_cannot_receive_feedback(client):
    page = page_at("/en/widget-questions/")
    page.unpublish()
    assert post(client, page=page.pk, helpful="yes").status_code == 400


def test_a_flood_is_rate_limited_with_retry_after(client, settings):
    settings.RATE_LIMITS_ENABLED = True
    page = page_at("/en/widget-questions/")
    statuses = [post(client, page=page.pk, helpful="yes").status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5
    last = post(client, page=page.pk, helpful="yes")
    assert last.status_code == 429 and int(last["Retry-After"]) > 0
    assert PageFeedback.objects.count() == 5


def test_editors_see_counts_per_page_and_export_them(client):
    page = page_at("/en/widget-treatments/widget-therapy/")
    for helpful, comment in [("yes", ""), ("no", "Confusing"), ("no", "")]:
        post(client, page=page.pk, helpful=helpful, comment=comment)
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "a-long-password-1")
    client.force_login(admin)
    report = client.get(reverse("feedback_by_page"))
    assert report.status_code == 200
    row = next(row for row in report.context["object_list"] if row.pk == page.pk)
    assert (row.helpful_count, row.not_helpful_count, row.comment_count) == (1, 2, 1)
    csv = b"".join(client.get(reverse("feedback_by_page"), {"export": "csv"}).streaming_content).decode()
    assert "Widget therapy" in csv and "/widget-treatments/widget-therapy/" in csv
    listing = b"".join(client.get(reverse("page_feedback:index"), {"export": "csv"}).streaming_content).decode()
    assert "Confusing" in listing


def test_editor_without_permission_cannot_read_feedback(client):
    user = get_user_model().objects.create_user("reader", "r@example.org", "a-long-password-1", is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(reverse("feedback_by_page")).status_code in (302, 403)
