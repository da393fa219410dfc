"""The production shape's logs and media, with the real programs: deploy/serve.sh (gunicorn and its
access log) behind nginx running deploy/nginx.conf as shipped.

Logs: requests carry a marker in every place a patient's words or identity could travel (query
strings, Referer, User-Agent, a foreign Host) from a client address of their own; neither the
marker nor that address is in any line gunicorn, the app or nginx wrote, while the lines are there
(the privacy notice, education/content/pages/24-privacy.yaml, tells readers so).

Media: renditions are served by nginx, without camera metadata; original images and the media
folder's documents are never served; documents come through the app's check, sent by nginx.
"""

import http.client
import json
import secrets
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.operations import scratch

MARKER = "Zq" + secrets.token_hex(6)
# The reader's own address: loopback has a whole /8, and nothing else here uses this one.
CLIENT_ADDRESS = "127.0.0.23"

MEDIA = f"""
import io, json
from PIL import Image as Pillow
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction

exif = Pillow.Exif()
exif[0x010F] = "{MARKER}-camera"
photo = io.BytesIO()
Pillow.new("RGB", (80, 60), "teal").save(photo, "JPEG", exif=exif.tobytes())
image = Image(title="Photo", file=ImageFile(photo, name="clinic-photo.jpg"))
image.save()
public = Document(title="Leaflet")
public.file.save("leaflet.txt", ContentFile(b"PUBLIC-LEAFLET"), save=True)
clinic = Collection.get_first_root_node().add_child(name="Clinic only")
restriction = CollectionViewRestriction.objects.create(collection=clinic, restriction_type="groups")
restriction.groups.add(Group.objects.get_or_create(name="Clinic staff")[0])
private = Document(title="Rota", collection=clinic)
private.file.save("rota.txt", ContentFile(b"PRIVATE-ROTA"), save=True)
print(json.dumps({{
    "rendition": image.get_rendition("max-40x40").url,
    "original": "/media/" + image.file.name,
    "public_document": public.url,
    "public_document_file": "/media/" + public.file.name,
    "private_document": private.url,
    "private_document_file": "/media/" + private.file.name,
}}))
"""


def readable_directory() -> Path:
    """nginx's workers run as 'nobody', who must reach the media folder (pytest's are private)."""
    root = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
    root.chmod(0o755)
    return root


@pytest.fixture(scope="module")
def production_shape():
    if scratch.nginx_binary() is None:
        scratch.unavailable("nginx is not installed (apt-get install nginx-light)")
    root = readable_directory()
    media = root / "media"
    media.mkdir(mode=0o755)
    environment = scratch.app_environment(
        DATABASE_URL=f"sqlite:///{root / 'portal.sqlite3'}",
        MEDIA_ROOT=str(media),
        TRUSTED_PROXIES="127.0.0.1",
        FORWARDED_ALLOW_IPS="127.0.0.1",
        MEDIA_X_ACCEL_PREFIX="/protected-media/",
        LOG_LEVEL="INFO",
        RATE_LIMITS_ENABLED="true",
    )
    printed = scratch.prepare_site(environment, then=MEDIA)
    addresses = json.loads(printed.strip().splitlines()[-1])
    for path in media.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    app = scratch.AppServer("serve.sh", root / "serve.log", environment, workers=1, serve_script=True)
    nginx = scratch.ComposeNginx(root, [app.port], media)
    with scratch.running([app]):
        nginx.start()
        try:
            yield app, nginx, addresses
        finally:
            nginx.stop()


def through_nginx(nginx, path: str, method: str = "GET", headers: dict | None = None, body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=30, source_address=(CLIENT_ADDRESS, 0))
    try:
        connection.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.headers.items()), response.read()
    finally:
        connection.close()


def test_no_log_line_holds_a_query_string_or_the_readers_address(production_shape):
    app, nginx, _ = production_shape
    asked = {
        f"/en/search/?q={MARKER}": 200,
        f"/en/search/?q=fever&page=2&from={MARKER}": 200,
        f"/api/v2/pages/?search={MARKER}": 200,
        f"/api/v2/pages/?{MARKER}=1": 400,
        f"/en/feeds/updates/?utm_source={MARKER}": 200,
        f"/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=C43&mainSearchCriteria.v.dn={MARKER}": 200,
        f"/en/no-such-page/?ref={MARKER}": 404,
        f"/admin/login/?next=/admin/{MARKER}": 200,
        f"/en/?utm_campaign={MARKER}": 200,
    }
    headers = {"Referer": f"https://intranet.example.org/ward?patient={MARKER}", "User-Agent": f"Ward-PC {MARKER}"}
    answers = {path: through_nginx(nginx, path, headers=headers) for path in asked}
    assert {path: answer[0] for path, answer in answers.items()} == asked
    login = through_nginx(
        nginx,
        f"/admin/login/?q={MARKER}",
        "POST",
        {"Content-Type": "application/x-www-form-urlencoded", **headers},
        "username=nobody&password=wrong",
    )
    assert login[0] == 403  # no CSRF cookie: refused, and logged by Django
    assert through_nginx(nginx, f"/?q={MARKER}", headers={"Host": "elsewhere.example"})[0] == 400

    logs = {**nginx.logs(), "serve.sh": app.log.read_text()}
    # The lines are there: this is not a search of empty files.
    assert "GET /en/search/" in logs["access.log"] and "GET /en/search/" in logs["serve.sh"]
    # The app's own lines are JSON, joined to the answer by its request ID.
    not_found = [json.loads(line) for line in logs["serve.sh"].splitlines() if "Not Found: /en/no-such-page/" in line]
    request_id = answers[f"/en/no-such-page/?ref={MARKER}"][1]["X-Request-ID"]
    assert [(line["level"], line["request_id"]) for line in not_found] == [("WARNING", request_id)]
    assert logs["default-access.log"] == ""  # the portal's own format replaced the default one
    for name, text in logs.items():
        for line in text.splitlines():
            assert MARKER not in line, f"{name}: {line}"
            assert CLIENT_ADDRESS not in line, f"{name}: {line}"


def test_renditions_are_sent_without_camera_metadata(production_shape):
    _, nginx, media = production_shape
    status, headers, body = through_nginx(nginx, media["rendition"])
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert body.startswith(b"\xff\xd8") and MARKER.encode() not in body
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "which", ["original", "public_document_file", "private_document_file", "private_document_internal"]
)
def test_the_media_folder_serves_nothing_else(production_shape, which):
    _, nginx, media = production_shape
    if which == "private_document_internal":
        path = media["private_document_file"].replace("/media/", "/protected-media/", 1)
    else:
        path = media[which]
    status, _, body = through_nginx(nginx, path)
    assert status == 404
    assert b"PRIVATE-ROTA" not in body and b"PUBLIC-LEAFLET" not in body and MARKER.encode() not in body


def test_documents_come_through_the_apps_check_and_nginx_sends_them(production_shape):
    _, nginx, media = production_shape
    status, headers, body = through_nginx(nginx, quote(media["public_document"]))
    assert status == 200 and body == b"PUBLIC-LEAFLET"
    assert headers["Content-Disposition"].startswith("attachment") and "X-Accel-Redirect" not in headers
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Content-Length"] == str(len(body))
    status, headers, body = through_nginx(nginx, quote(media["private_document"]))
    assert status == 302 and "/login/" in headers["Location"] and b"PRIVATE-ROTA" not in body


def test_a_query_parameter_no_view_reads_costs_no_render_of_its_own(production_shape):
    # One gunicorn worker, so the second request meets the first one's kept copy.
    _, nginx, _ = production_shape
    first = through_nginx(nginx, f"/en/types/cytokines/?n={secrets.token_hex(4)}")
    second = through_nginx(nginx, f"/en/types/cytokines/?n={secrets.token_hex(4)}")
    assert first[0] == second[0] == 200
    assert second[1]["X-Cache"] == "hit" and second[2] == first[2]
