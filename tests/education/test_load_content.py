"""load_content: idempotent, revisions on change, editors' work kept, clear errors for bad files."""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest

from django.conf import settings
from django.core.management import CommandError, call_command

from wagtail.models import Page, Revision, Site

from education.models import ArticlePage, GlossaryTerm, HomePage
from tests.conftest import page_at

pytestmark = pytest.mark.django_db

SOURCE = Path(settings.BASE_DIR) / "education" / "content"


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A copy of the content files at the same relative path, so they count as the same files."""
    target = tmp_path / "education" / "content"
    shutil.copytree(SOURCE, target)
    return target


def load(content_dir: Path, *args) -> str:
    out = StringIO()
    call_command("load_content", *args, content_dir=content_dir, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return Page.objects.count(), Revision.objects.count(), GlossaryTerm.objects.count()


def test_loading_again_changes_nothing(content_dir):
    before = counts()
    output = load(content_dir)
    assert counts() == before
    assert "create" not in output and "update" not in output


def test_first_load_replaced_the_welcome_page():
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert Page.get_first_root_node().get_children().filter(locale__language_code="en").count() == 1
    assert not Page.objects.filter(slug__in=["welcome-replaced"]).exists()


def test_changed_file_becomes_a_new_published_revision(content_dir, client):
    page = page_at("/en/how-it-works/")
    revisions_before = page.revisions.count()
    path = content_dir / "pages" / "03-how-it-works.yaml"
    path.write_text(re.sub(r"^title: .*$", "title: Updated how it works", path.read_text(), count=1, flags=re.M))

    output = load(content_dir)

    page.refresh_from_db()
    assert "update  page /how-it-works/" in output
    assert page.title == "Updated how it works"
    assert page.revisions.count() == revisions_before + 1
    assert "<h1>Updated how it works</h1>" in client.get("/en/how-it-works/").content.decode()


def test_editor_changes_to_unchanged_files_are_kept(content_dir):
    page = page_at("/en/benefits-and-limits/")
    page.title = "Edited by a nurse"
    page.save_revision().publish()
    term = GlossaryTerm.objects.get(slug="t-cell", locale__language_code="en")
    term.definition = "Edited definition."
    term.save()

    load(content_dir)

    assert page_at("/en/benefits-and-limits/").title == "Edited by a nurse"
    assert GlossaryTerm.objects.get(slug="t-cell", locale__language_code="en").definition == "Edited definition."


def test_pages_created_by_editors_are_never_deleted(content_dir):
    home = page_at("/")
    home.add_child(instance=ArticlePage(title="Our clinic", slug="our-clinic", search_description="About us."))
    load(content_dir)
    assert Page.objects.filter(slug="our-clinic").exists()


def test_a_change_of_form_only_makes_no_revision(content_dir):
    # A comment, or a glossary entry's keys in another order: the same version, so a signed-off
    # page or term is not sent back for review over nothing.
    page_file = content_dir / "pages" / "19-supporting-someone.yaml"
    page_file.write_text(page_file.read_text() + "\n# a comment changes the file, not the page\n")
    break_file(
        content_dir,
        "glossary.yaml",
        "- term: T cell\n  slug: t-cell\n",
        "- slug: t-cell\n  term: T cell\n",
    )
    before = counts()
    output = load(content_dir)
    assert "update" not in output and "create" not in output
    assert counts() == before


def test_page_deleted_by_an_editor_is_not_brought_back(content_dir):
    page_at("/en/supporting-someone/").delete()
    output = load(content_dir)
    assert "skip    page /supporting-someone/ (deleted in the admin)" in output
    assert not Page.objects.filter(slug="supporting-someone").exists()


def test_dry_run_reports_but_writes_nothing(content_dir):
    break_file(content_dir, "pages/19-supporting-someone.yaml", "title: ", "title: Helping - ")
    before = counts()
    output = load(content_dir, "--dry-run")
    assert "Would change (dry run, nothing written)" in output
    assert "update  page /supporting-someone/" in output
    assert counts() == before
    assert "update  page /supporting-someone/" in load(content_dir)


def break_file(content_dir: Path, name: str, old: str, new: str) -> None:
    path = content_dir / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "pages/16-get-help-now.yaml",
            "type: article",
            "type: article\n  bad indent: [",
            "education/content/pages/16-get-help-now.yaml, line 2, field '(file)': not valid YAML",
        ),
        (
            "pages/16-get-help-now.yaml",
            "type: article",
            "type: article\nsubtitle: Extra",
            "education/content/pages/16-get-help-now.yaml, line 2, field 'subtitle': unknown field",
        ),
        (
            "pages/16-get-help-now.yaml",
            "level: emergency",
            "level: soon",
            ".urgent.level': Select a valid choice. soon is not one of the available choices. "
            "Choose one of: contact_team, same_day, team_now, emergency.",
        ),
        (
            "pages/05-checkpoint-inhibitors.yaml",
            "references: [",
            "references: [NO-SUCH-SOURCE, ",
            "education/content/pages/05-checkpoint-inhibitors.yaml, line 8, field 'references[0]': no reference with the key 'NO-SUCH-SOURCE'",
        ),
        (
            "pages/02-what-is-immunotherapy.yaml",
            "](/how-it-works/)",
            "](/how-it-wrks/)",
            "the link '/how-it-wrks/' does not point to a page of the site",
        ),
        (
            "glossary.yaml",
            "slug: t-cell\n",
            "slug: antigen\n",
            "glossary.yaml, line 22, field '[5].slug': the slug 'antigen' appears twice",
        ),
        # The lengths, counts and choices are the models' and blocks' own, with their messages.
        (
            "pages/03-how-it-works.yaml",
            "body:\n",
            "body:\n  - heading: " + "Long " * 30 + "\n",
            "03-how-it-works.yaml, line 11, field 'body[0].heading.text': Ensure this value has at most 120 characters",
        ),
        (
            "pages/03-how-it-works.yaml",
            "body:\n",
            "body:\n  - key_points: [one, two, three, four, five, six, seven, eight]\n",
            "field 'body[0].key_points.points': The maximum number of items is 7",
        ),
        (
            "pages/11-cancer.yaml",
            "condition_group: cancer",
            "condition_group: cancers",
            "field 'condition_group': Value 'cancers' is not a valid choice. Choose one of: cancer, autoimmune, infection.",
        ),
        (
            "pages/19-supporting-someone.yaml",
            "summary: ",
            "summary: " + "x" * 301 + " ",
            "field 'summary': Keep the summary",
        ),
        (
            "pages/06-car-t-cell-therapy.yaml",
            "{generic_name: tisagenlecleucel,",
            "{generic_name: tisagenlecleucel, route: drip,",
            "field 'medicines[0].route': unknown field (one of generic_name, brand_name, note)",
        ),
        (
            "pages/05-checkpoint-inhibitors.yaml",
            "used_for: [/where-it-is-used/cancer/,",
            "used_for: [/types/, /where-it-is-used/cancer/,",
            "field 'used_for[0]': /types/ is not a condition page",
        ),
        (
            "pages/19-supporting-someone.yaml",
            "body:\n",
            "body:\n  - image: {image: 1, alt_text: A photo}\n",
            "field 'body[0].image.image': this image cannot be named in a content file",
        ),
        (
            "pages/19-supporting-someone.yaml",
            "type: article",
            "type: article\nlast_reviewed: 2026-01-01",
            "field 'last_reviewed': a content file cannot record a clinical review",
        ),
        ("pages/19-supporting-someone.yaml", "type: article", "type: leaflet", "'leaflet' is not one of article,"),
        (
            "pages/30-alert-card.yaml",
            "alert_card: {}",
            "alert_card: {text: My own words}",
            "30-alert-card.yaml, line 31, field 'body[6].alert_card': this block's words are fixed and it takes no value",
        ),
        (
            "site.yaml",
            "clinician_page: /alert-card/for-clinicians/",
            "clinician_page: /alert-card/for-doctors/",
            "field 'clinician_page': no page at /alert-card/for-doctors/",
        ),
    ],
)
def test_malformed_file_stops_with_file_line_and_field(content_dir, name, old, new, expected):
    break_file(content_dir, name, old, new)
    before = counts()
    with pytest.raises(CommandError) as error:
        load(content_dir)
    assert expected in str(error.value)
    assert counts() == before


def test_html_in_content_text_is_refused(content_dir):
    break_file(content_dir, "pages/03-how-it-works.yaml", "body:\n", "body:\n  - text: <script>alert(1)</script>\n")
    with pytest.raises(CommandError, match="HTML is not allowed"):
        load(content_dir)


def test_a_file_may_set_any_field_an_editor_edits(content_dir):
    # No list of keys in the loader: the page's own panels say what a file may set.
    break_file(
        content_dir,
        "pages/19-supporting-someone.yaml",
        "type: article",
        "type: article\nseo_title: Caring for someone having immunotherapy",
    )
    load(content_dir)
    assert page_at("/en/supporting-someone/").seo_title == "Caring for someone having immunotherapy"
