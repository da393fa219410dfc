"""Uploads: pixel and byte limits with clear form errors, no SVG, a document allowlist."""

import re

import pytest

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(get_user_model().objects.create_superuser("ed", "ed@example.org", "a-long-password-1"))
    return client


def png(width: int = 640, height: int = 480) -> SimpleUploadedFile:
    data = get_test_image_file(size=(width, height)).file.getvalue()
    return SimpleUploadedFile("photo.png", data, content_type="image/png")


def test_image_over_the_pixel_limit_gets_a_form_error(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100_000
    response = editor_client.post("/admin/images/add/", {"title": "Big", "file": png(640, 480)})
    assert response.status_code == 200
    assert "pixels" in str(response.context["form"].errors["file"])
    assert not Image.objects.filter(title="Big").exists()


def test_image_over_the_byte_limit_gets_a_form_error(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1_000
    response = editor_client.post("/admin/images/add/", {"title": "Heavy", "file": png()})
    assert "too big" in str(response.context["form"].errors["file"])


def test_svg_is_refused(editor_client):
    svg = SimpleUploadedFile(
        "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"
    )
    response = editor_client.post("/admin/images/add/", {"title": "Logo", "file": svg})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Image.objects.filter(title="Logo").exists()


def test_document_types_outside_the_allowlist_are_refused(editor_client):
    script = SimpleUploadedFile("leaflet.html", b"<script>alert(1)</script>", "text/html")
    response = editor_client.post("/admin/documents/add/", {"title": "Leaflet", "file": script})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Document.objects.filter(title="Leaflet").exists()


def test_accepted_image_is_stored_under_a_server_made_name(editor_client):
    upload = SimpleUploadedFile("../My Scan (final).PNG", get_test_image_file().file.getvalue(), "image/png")
    response = editor_client.post("/admin/images/add/", {"title": "Scan", "file": upload})
    assert response.status_code == 302
    stored = Image.objects.get(title="Scan").file.name
    assert re.fullmatch(r"original_images/my_scan_final-[0-9a-f]{8}\.png", stored), stored
