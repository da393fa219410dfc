"""A backup restores into an empty database, SQLite or PostgreSQL, with nothing lost."""

import contextlib
import io
import json
import tarfile

import pytest

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

from education.models import GlossaryTerm, PortalSettings
from integrations.models import EmbedSettings
from review.models import StaffProfile
from tests.conftest import page_at
from tests.operations import scratch
from tests.operations.site_description import describe

pytestmark = pytest.mark.django_db


def make_editors_changes(site, django_user_model) -> dict:
    """What a clinic does to the loaded site in its first weeks, and what to look for afterwards."""
    collection = Collection.get_first_root_node().add_child(name="Ward photos")
    image = get_image_model().objects.create(
        title="Infusion chair", file=get_test_image_file(filename="infusion-chair.png"), collection=collection
    )
    image.tags.add("treatment room")
    image.get_rendition("fill-120x80")
    document = get_document_model().objects.create(
        title="Diary for side effects", file=ContentFile(b"%PDF-1.4 side effects diary\n", name="diary.pdf")
    )

    term = GlossaryTerm.objects.order_by("pk").first()
    term.definition = "Edited after a clinic review: " + term.definition
    term.save()

    portal_settings = PortalSettings.for_site(site)
    portal_settings.care_team_phone = "0161 555 0100"
    portal_settings.organisation_name = "Northfield Cancer Centre"
    portal_settings.save()
    embed_settings = EmbedSettings.load()
    embed_settings.allowed_origins = "https://intranet.example.org"
    embed_settings.save()

    nurse = django_user_model.objects.create_user(
        "nurse.ada", "ada@example.org", "a-long-password-1", first_name="Ada", last_name="Okafor"
    )
    group = Group.objects.create(name="Ward nurses")
    nurse.groups.add(group, Group.objects.get(name="Editors"))
    StaffProfile.objects.create(user=nurse, job_title="Clinical nurse specialist")

    # A published edit, then a draft on top of it that shows the new image.
    page = page_at("/en/how-it-works/")
    page.title = "How immunotherapy works"
    page.save_revision(user=nurse).publish()
    page.title = "How immunotherapy works (draft)"
    page.body.append(("image", {"image": image, "alt_text": "An infusion chair", "decorative": False}))
    draft = page.save_revision(user=nurse)
    page.get_workflow().start(page, nurse)
    return {"image": image, "document": document, "draft": draft, "page": page}


def first_difference(expected, found, where: str = "") -> str:
    """Where two descriptions first differ, for a readable failure."""
    if isinstance(expected, dict) and isinstance(found, dict):
        for key in sorted(set(expected) | set(found)):
            if expected.get(key) != found.get(key):
                return first_difference(expected.get(key), found.get(key), f"{where}.{key}")
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        for index, (one, other) in enumerate(zip(expected, found, strict=True)):
            if one != other:
                return first_difference(one, other, f"{where}[{index}]")
    return f"{where or 'value'}: {expected!r:.300} before, {found!r:.300} after"


@contextlib.contextmanager
def empty_database(tmp_path):
    """An empty database of the same kind as the test database: its URL."""
    if connection.vendor == "postgresql":
        with scratch.scratch_postgres_database(scratch.postgres_server_url()) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


def test_backup_restores_into_an_empty_database(tmp_path, settings, site, django_user_model):
    settings.MEDIA_ROOT = tmp_path / "media-before"
    changes = make_editors_changes(site, django_user_model)
    before = describe()
    # The changes are visible in what is compared, so the comparison can tell a loss.
    draft_page = next(p for p in before["pages"] if p["url_path"] == "/home/how-it-works/")
    assert draft_page["has_unpublished_changes"] and draft_page["latest_revision_title"].endswith("(draft)")
    assert before["images"][0]["sha256"] != "missing" and before["images"][0]["renditions"]
    assert "nurse.ada" in [user["username"] for user in before["users"]]
    assert before["workflow_states"], "the draft is in the review workflow"
    assert all(before["search"].values()), "the search index answers before the backup"

    archive = tmp_path / "backups" / "site.tar.gz"
    output = io.StringIO()
    call_command("backup_site", output=archive, stdout=output)
    assert "Backup written to" in output.getvalue()
    with tarfile.open(archive) as opened:
        names = opened.getnames()
        manifest = json.load(opened.extractfile("manifest.json"))
    assert names[:2] == ["manifest.json", "data.json"]
    assert f"media/{changes['image'].file.name}" in names
    assert f"media/{changes['document'].file.name}" in names
    assert manifest["counts"]["auth.User_groups"] >= 2
    assert manifest["counts"]["wagtailimages.Rendition"] == 1
    assert "sessions.Session" not in manifest["counts"]
    assert archive.stat().st_mode & 0o077 == 0, "a backup holds password hashes: owner only"

    media_after = tmp_path / "media-after"
    with empty_database(tmp_path) as url:
        environment = scratch.app_environment(DATABASE_URL=url, MEDIA_ROOT=str(media_after))
        # A backup that does not match its manifest is refused, and the load is rolled back:
        # the real restore below then finds the database still empty.
        tampered = tmp_path / "tampered.tar.gz"
        with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as copy:
            for member in source.getmembers():
                content = source.extractfile(member).read()
                if member.name == "manifest.json":
                    changed = json.loads(content)
                    changed["counts"]["education.GlossaryTerm"] += 1
                    content = json.dumps(changed).encode()
                    member.size = len(content)
                copy.addfile(member, io.BytesIO(content))
        refused = scratch.manage(["restore_site", str(tampered)], environment)
        assert refused.returncode != 0 and "education.GlossaryTerm: backup has" in refused.stderr, refused.stderr

        restored = scratch.manage(["restore_site", str(archive)], environment)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "every count matches the manifest" in restored.stdout

        # Described under the dev settings, which serve static files without collectstatic.
        described = {**environment, "DJANGO_SETTINGS_MODULE": "portal.settings.dev"}
        dumped = scratch.python("from tests.operations.site_description import dump\ndump()", described)
        assert dumped.returncode == 0, dumped.stderr
        after = json.loads(dumped.stdout)

        # Editors carry on: new rows get fresh ids (PostgreSQL's sequences were moved past the
        # restored ones) and a publish works.
        carried_on = scratch.python(
            "from django.contrib.auth import get_user_model\n"
            "from education.models import GlossaryTerm\n"
            "from wagtail.models import Page\n"
            "GlossaryTerm.objects.create(term='Biosimilar', slug='biosimilar', definition='A close copy.')\n"
            "get_user_model().objects.create_user('after.restore', 'after@example.org', 'a-long-password-2')\n"
            "page = Page.objects.get(url_path='/home/how-it-works/').specific\n"
            "page.save_revision().publish()\n",
            environment,
        )
        assert carried_on.returncode == 0, carried_on.stderr[-3000:]

        again = scratch.manage(["restore_site", str(archive)], environment)
        assert again.returncode != 0, "a second restore into the now full database must be refused"
        assert "not empty" in again.stderr and "--force" in again.stderr

    description = after["description"]
    for part in before:
        assert description[part] == before[part], (
            f"{part} differ after the restore: {first_difference(before[part], description[part])}"
        )
    assert (media_after / changes["image"].file.name).read_bytes() == changes["image"].file.open("rb").read()
    assert after["rendered"] and set(after["rendered"].values()) == {200}, after["rendered"]
