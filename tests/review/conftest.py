"""Staff in each role, logged-in clients for them, and admin form data for a simple article."""

import pytest

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from review.models import StaffProfile
from review.roles import ROLE_GROUPS
from tests.conftest import page_at

PASSWORD = "a-long-password-1"


@pytest.fixture
def make_staff(django_user_model):
    def make(role: str, username: str, first_name: str = "", last_name: str = "", job_title: str = ""):
        user = django_user_model.objects.create_user(
            username,
            email=f"{username}@example.org",
            password=PASSWORD,
            first_name=first_name,
            last_name=last_name,
        )
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
        if job_title:
            StaffProfile.objects.create(user=user, job_title=job_title)
        return user

    return make


@pytest.fixture
def editor(make_staff):
    return make_staff("editor", "edna", "Edna", "Edwards")


@pytest.fixture
def other_editor(make_staff):
    return make_staff("editor", "eric", "Eric", "Evans")


@pytest.fixture
def reviewer(make_staff):
    return make_staff("reviewer", "rita", "Rita", "Rao", job_title="Clinical nurse specialist")


@pytest.fixture
def publisher(make_staff):
    return make_staff("publisher", "paul", "Paul", "Price")


@pytest.fixture
def site_admin(make_staff):
    return make_staff("admin", "sam", "Sam", "Singh")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def article_data(title: str, slug: str, paragraphs: list[str] | None = None, **extra) -> dict:
    """The edit form of an article page, as the admin posts it."""
    paragraphs = paragraphs or [f"Plain words about {title.lower()}."]
    data = {
        "title": title,
        "slug": slug,
        "search_description": f"A short summary of {title.lower()}.",
        "body": streamfield([("text", rich_text(f"<p>{text}</p>")) for text in paragraphs]),
        "references": streamfield([]),
        "related_pages": streamfield([]),
        **extra,
    }
    return nested_form_data(data)


def add_article_url(parent=None) -> str:
    parent = parent or page_at("/")
    return reverse("wagtailadmin_pages:add", args=("education", "articlepage", parent.pk))


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def assert_denied(response):
    """Wagtail refuses either with 403 or by sending the user back to the dashboard."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response.url in (reverse("wagtailadmin_home"), "/admin/"), response.url
