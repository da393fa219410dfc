"""Who may fetch which uploaded file: renditions are public, without camera metadata, under names
that give away nothing; original images are never served; documents only through Wagtail's view,
which keeps private collections private, and which hands the file to nginx where it can."""

import io

import pytest
from PIL import Image as Pillow

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction

pytestmark = pytest.mark.django_db
SECRET_CAMERA = "SecretCamera-7781"
ORIENTATION, MAKE, GPS = 0x0112, 0x010F, 0x8825


def photo(kind: str, size=(64, 48), orientation: int = 1) -> ImageFile:
    exif = Pillow.Exif()
    exif[MAKE] = SECRET_CAMERA
    exif[ORIENTATION] = orientation
    exif[GPS] = {1: "N", 2: (51.0, 30.0, 12.0)}
    data = io.BytesIO()
    Pillow.new("RGB", size, "teal").save(data, kind, exif=exif.tobytes())
    return ImageFile(data, name=f"ward-round-photo.{kind.lower()}")


def uploaded(kind: str = "JPEG", **options) -> Image:
    image = Image(title="Ward round", file=photo(kind, **options))
    image.save()
    return image


@pytest.mark.parametrize(
    ("kind", "spec"), [("JPEG", "max-40x40"), ("PNG", "width-30"), ("WEBP", "fill-20x20"), ("JPEG", "original")]
)
def test_renditions_carry_no_camera_metadata(kind, spec):
    image = uploaded(kind)
    assert SECRET_CAMERA.encode() in image.file.open("rb").read()  # the original, as uploaded
    rendition = image.get_rendition(spec)
    data = rendition.file.open("rb").read()
    assert SECRET_CAMERA.encode() not in data
    assert not dict(Pillow.open(io.BytesIO(data)).getexif())


def test_a_rendition_is_still_turned_upright_by_its_orientation():
    sideways = uploaded("JPEG", size=(64, 48), orientation=6)  # a phone held on its side
    rendition = sideways.get_rendition("original")
    assert (rendition.width, rendition.height) == (48, 64)


def test_a_renditions_name_gives_away_nothing_of_its_original():
    image = uploaded()
    name = image.get_rendition("max-40x40").file.name
    stem = image.file.name.rsplit("/", 1)[1].rsplit(".", 1)[0]
    assert stem not in name and "ward" not in name and "max-40" not in name
    assert name.startswith("images/")


def test_renditions_are_served_and_originals_never(client):
    image = uploaded()
    rendition = image.get_rendition("max-40x40")
    served = client.get(rendition.url)
    assert served.status_code == 200 and served["Cache-Control"].startswith("public")
    assert SECRET_CAMERA.encode() not in b"".join(served.streaming_content)
    original = "/media/" + image.file.name
    for path in (original, f"/media/images/../{image.file.name}", "/media/images/%2e%2e/" + image.file.name, "/media/"):
        refused = client.get(path)
        assert refused.status_code in (400, 404), path  # 400: a path that climbs out of the folder
        assert SECRET_CAMERA.encode() not in refused.content


@pytest.fixture
def private_document():
    collection = Collection.get_first_root_node().add_child(name="Clinic only")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get_or_create(name="Clinic staff")[0])
    document = Document(title="Staff rota", collection=collection)
    document.file.save("staff-rota.txt", ContentFile(b"PRIVATE-ROTA"), save=True)
    return document


@pytest.fixture
def public_document():
    document = Document(title="Leaflet")
    document.file.save("leaflet.txt", ContentFile(b"PUBLIC-LEAFLET"), save=True)
    return document


def test_a_private_document_is_refused_by_every_route(client, private_document):
    through_view = client.get(private_document.url)
    assert through_view.status_code == 302 and "/login/" in through_view["Location"]
    assert client.get("/media/" + private_document.file.name).status_code == 404


def test_a_public_document_streams_without_a_web_server_in_front(client, public_document):
    response = client.get(public_document.url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"PUBLIC-LEAFLET"
    assert "X-Accel-Redirect" not in response


def test_with_nginx_in_front_the_app_checks_and_nginx_sends(client, settings, public_document, private_document):
    settings.MEDIA_X_ACCEL_PREFIX = "/protected-media/"
    response = client.get(public_document.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + public_document.file.name
    assert response.content == b"" and response.get("Content-Length", "0") == "0"  # nginx sends the length
    assert response["Content-Disposition"].startswith("attachment")
    # The check still comes first: a private file is never handed to nginx.
    refused = client.get(private_document.url)
    assert refused.status_code == 302 and "X-Accel-Redirect" not in refused
