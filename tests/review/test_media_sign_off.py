"""A picture or document that live content shows is not swapped in place, without review: the admin
edit form says why and how, a shell save is refused, and files nothing live uses stay editable."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import ReferenceIndex

from review.models import UnreviewedPublish
from review.sign_off import SignOffRequired, publishing_without_sign_off
from tests import factories
from tests.conftest import page_at

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.sign_off_enforced]

PAGE = "/en/widget-treatments/widget-therapy/"


@pytest.fixture(autouse=True)
def therapy_page():
    """A live therapy page, published as the content loader publishes (without sign-off, recorded)."""
    with publishing_without_sign_off(UnreviewedPublish.CONTENT_LOAD, "Test set-up"):
        factories.TherapyTypePageFactory(
            parent=factories.SectionPageFactory(title="Widget treatments"), title="Widget therapy"
        )


@pytest.fixture
def image():
    return get_image_model().objects.create(title="Infusion chair", file=get_test_image_file("chair.png"))


def on_a_live_page(obj) -> None:
    """Put `obj` in the live version of a page, as a signed-off publish would."""
    page = page_at(PAGE)
    if isinstance(obj, get_image_model()):
        block = {"type": "image", "value": {"image": obj.pk, "alt_text": "A chair", "decorative": False}}
    else:
        block = {"type": "text", "value": f'<p>Keep a <a linktype="document" id="{obj.pk}">diary</a>.</p>'}
    page.body = [*page.body.raw_data, block]
    page.save(update_fields=["body"])  # a live page's own columns, as publishing writes them
    ReferenceIndex.create_or_update_for_object(page)


def new_file(name="new.png"):
    return SimpleUploadedFile(name, get_test_image_file(name).file.getvalue(), content_type="image/png")


def test_the_edit_form_says_why_a_file_in_use_is_not_replaced(image, publisher):
    on_a_live_page(image)
    response = client_for(publisher).post(
        reverse("wagtailimages:edit", args=(image.pk,)), {"title": image.title, "file": new_file()}
    )
    assert response.status_code == 200
    assert "cannot be replaced here without clinical review" in response.content.decode()
    assert get_image_model().objects.get(pk=image.pk).file.name == image.file.name


def test_the_title_of_a_file_in_use_may_change(image, publisher):
    on_a_live_page(image)
    response = client_for(publisher).post(reverse("wagtailimages:edit", args=(image.pk,)), {"title": "Day unit chair"})
    assert response.status_code == 302
    assert get_image_model().objects.get(pk=image.pk).title == "Day unit chair"


def test_a_file_nothing_live_uses_may_be_replaced(image, publisher):
    response = client_for(publisher).post(
        reverse("wagtailimages:edit", args=(image.pk,)), {"title": image.title, "file": new_file()}
    )
    assert response.status_code == 302
    assert get_image_model().objects.get(pk=image.pk).file.name != image.file.name


def test_a_shell_cannot_swap_a_document_in_use():
    document = get_document_model().objects.create(
        title="Diary", file=SimpleUploadedFile("diary.txt", b"Write down how you feel each day.")
    )
    on_a_live_page(document)
    document.file = SimpleUploadedFile("other.txt", b"Something nobody reviewed.")
    with pytest.raises(SignOffRequired):
        document.save()
    stored = get_document_model().objects.get(pk=document.pk)
    assert stored.file.read() == b"Write down how you feel each day."
