"""Diagrams: every drawing in the vetted set has real text labels, scales, and has enough contrast; a
figure links its long description; the five pages and their handouts show their diagrams; bad input
is refused with a message an editor can act on."""

import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest

from django.conf import settings
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse

from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from education.blocks import FigureBlock
from education.diagrams import DIAGRAMS
from tests.conftest import channel_address, page_at

SVG = "{http://www.w3.org/2000/svg}"
# What the diagrams are drawn on: the page (white) and the handout sheet (white).
BACKGROUND = "#ffffff"

# Each page of the content brief's tree that explains its idea with a diagram, and a label the
# diagram must show there.
PAGES_WITH_DIAGRAMS = [
    ("/en/how-it-works/", "immune_check", "Wrong marker"),
    ("/en/types/checkpoint-inhibitors/", "checkpoint_switch", "PD-1: the off switch"),
    ("/en/types/car-t-cell-therapy/", "car_t_journey", "Watch closely"),
    ("/en/types/monoclonal-antibodies/", "antibody_flag", "Marker (antigen)"),
    ("/en/side-effects-and-monitoring/", "side_effect_timing", "After treatment ends"),
]

FIGURE = {
    "diagram": "immune_check",
    "caption": "How a T cell spots a cell that has gone wrong",
    "alt": "A T cell leaves a healthy cell alone and kills a cancer cell.",
    "description": "The picture has two parts.\n\nA T cell kills the cancer cell.",
}


def panels(key: str) -> list[ET.Element]:
    """The diagram's SVG panels, parsed as XML (which also proves each is well-formed)."""
    markup = render_to_string(DIAGRAMS[key].template)
    root = ET.fromstring(f'<root xmlns="http://www.w3.org/2000/svg">{markup}</root>')
    return root.findall(f"{SVG}svg")


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio between two #rrggbb colours."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def painted(svg: ET.Element) -> list[tuple[str, str | None, str | None]]:
    """(tag, fill, stroke) of every drawn element, with fill and stroke inherited as SVG does."""
    found = []

    def walk(element, fill, stroke):
        fill, stroke = element.get("fill", fill), element.get("stroke", stroke)
        tag = element.tag.removeprefix(SVG)
        if tag not in ("svg", "g"):
            found.append((tag, fill, stroke))
        for child in element:
            walk(child, fill, stroke)

    walk(svg, None, None)
    return found


@pytest.mark.parametrize("key", DIAGRAMS)
def test_diagram_labels_are_real_text_and_it_scales(key):
    svgs = panels(key)
    assert svgs, f"{key} draws no SVG"
    labels = []
    for svg in svgs:
        # Scales with its box (viewBox, no fixed size) and is read out through the figure's alt text.
        assert re.fullmatch(r"0 0 \d+ \d+", svg.get("viewBox", "")), svg.attrib
        assert svg.get("width") is None and svg.get("height") is None
        assert svg.get("aria-hidden") == "true"
        # Text drawn as outlines would be a <path>; these drawings use none at all.
        assert svg.findall(f".//{SVG}path") == []
        texts = svg.findall(f".//{SVG}text")
        assert texts and all("".join(text.itertext()).strip() for text in texts)
        labels += ["".join(text.itertext()).strip() for text in texts]
    assert len(labels) >= 8, labels


@pytest.mark.parametrize("key", DIAGRAMS)
def test_diagram_colours_have_enough_contrast(key):
    """WCAG 1.4.11 and 1.4.3: every line and solid shape 3:1 against the background and against
    the light fills it may cross; every label 4.5:1 against the background and every light fill.
    A light fill (under 3:1) is allowed only inside an outline that has the contrast itself."""
    for svg in panels(key):
        elements = painted(svg)
        colours = {colour for _, fill, stroke in elements for colour in (fill, stroke) if colour not in (None, "none")}
        assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in colours), colours
        light_fills = {fill for tag, fill, _ in elements if tag != "text" and fill and fill != "none"}
        light_fills = {fill for fill in light_fills if contrast(fill, BACKGROUND) < 3}
        grounds = {BACKGROUND, *light_fills}
        for tag, fill, stroke in elements:
            if tag == "text":
                assert min(contrast(fill, ground) for ground in grounds) >= 4.5, (key, fill)
                continue
            if stroke and stroke != "none":
                assert min(contrast(stroke, ground) for ground in grounds) >= 3, (key, tag, stroke)
            if fill and fill != "none" and fill not in light_fills:
                assert contrast(fill, BACKGROUND) >= 3, (key, tag, fill)
            elif fill in light_fills:
                assert stroke and stroke != "none", f"{key}: a light {tag} ({fill}) needs an outline"


class FigureParts(HTMLParser):
    """The figure's description link, the ids on the page, and what sits inside SVGs."""

    def __init__(self):
        super().__init__()
        self.described_by: list[str] = []
        self.texts_by_id: dict[str, list[str]] = {}
        self.images: list[str] = []
        self.links_in_svg = 0
        self._open_ids: list[tuple[str, str]] = []
        self._svg_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "aria-describedby" in attrs:
            self.described_by.append(attrs["aria-describedby"])
        if attrs.get("role") == "img":
            self.images.append(attrs.get("aria-label", ""))
        if tag == "svg":
            self._svg_depth += 1
        if tag == "a" and self._svg_depth:
            self.links_in_svg += 1
        if "id" in attrs:
            self.texts_by_id[attrs["id"]] = []
            self._open_ids.append((tag, attrs["id"]))

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg_depth -= 1
        if self._open_ids and self._open_ids[-1][0] == tag:
            self._open_ids.pop()

    def handle_data(self, data):
        for _, open_id in self._open_ids:
            self.texts_by_id[open_id].append(data)

    def description(self, index: int = 0) -> str:
        return " ".join("".join(self.texts_by_id.get(self.described_by[index], [])).split())


def parse(html: str) -> FigureParts:
    parts = FigureParts()
    parts.feed(html)
    return parts


@pytest.mark.django_db
def test_figure_shows_caption_drawing_and_a_linked_description():
    block = FigureBlock()
    html = block.render(block.to_python(FIGURE))
    parts = parse(html)
    assert "<figcaption" in html and FIGURE["caption"] in html
    assert parts.images == [FIGURE["alt"]]
    assert len(parts.described_by) == 1
    assert "The picture has two parts. A T cell kills the cancer cell." in parts.description()
    assert html.count("<p>") >= 2  # paragraphs stay paragraphs
    assert "Wrong marker" in html


@pytest.mark.django_db
def test_figure_whose_diagram_was_retired_still_shows_its_words():
    """A diagram taken out of the set must not break the pages that saved it."""
    block = FigureBlock()
    html = block.render(block.to_python({**FIGURE, "diagram": "retired_drawing"}))
    parts = parse(html)
    assert FIGURE["caption"] in html and "<svg" not in html and parts.images == []
    assert "A T cell kills the cancer cell." in parts.description()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"diagram": "lungs"}, "diagram", "There is no diagram 'lungs'. Pick one of: immune_check"),
        ({"alt": ""}, "alt", "Add alt text"),
        ({"alt": "   "}, "alt", "Add alt text"),
        ({"caption": ""}, "caption", "This field is required"),
        ({"description": "x" * 1501}, "description", "at most 1500 characters"),
    ],
)
def test_figure_refuses_unknown_diagram_and_missing_alt_text(change, field, message):
    block = FigureBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({**FIGURE, **change}))
    assert message in " ".join(error.value.block_errors[field].messages)


def test_every_diagram_can_be_chosen_in_the_admin():
    choices = dict(FigureBlock().child_blocks["diagram"].field.choices)
    assert set(DIAGRAMS) <= set(choices)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("diagram", "alt", "refusal"),
    [
        ("checkpoint_switch", "A cancer cell switches a T cell off; the medicine stops it.", None),
        ("lungs", "A drawing of the lungs.", "There is no diagram &#x27;lungs&#x27;"),
        ("checkpoint_switch", "", "Add alt text"),
    ],
)
def test_editor_adds_a_figure_in_the_admin(admin_client, diagram, alt, refusal):
    figure = {**FIGURE, "diagram": diagram, "alt": alt}
    data = {
        "title": "Diagram test",
        "slug": "diagram-test",
        "search_description": "A page with a diagram.",
        "body": streamfield([("figure", figure)]),
        "references": streamfield([]),
        "related_pages": streamfield([]),
    }
    url = reverse("wagtailadmin_pages:add", args=("education", "articlepage", page_at("/").pk))
    response = admin_client.post(url, nested_form_data(data))
    if refusal:
        assert response.status_code == 200 and refusal in response.content.decode()
        assert not Page.objects.filter(slug="diagram-test").exists()
    else:
        assert response.status_code == 302
        assert Page.objects.get(slug="diagram-test").specific.body[0].value["diagram"] == diagram


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "key", "label"), PAGES_WITH_DIAGRAMS)
def test_page_shows_its_diagram_with_the_description_in_words(client, path, key, label):
    html = client.get(path).content.decode()
    parts = parse(html)
    assert f"diagram__art--{DIAGRAMS[key].layout}" in html and f">{label}</text>" in html
    assert len(parts.images) == len(parts.described_by) == 1
    assert parts.images[0], "the drawing has no alt text"
    assert parts.described_by[0] in parts.texts_by_id, "aria-describedby points at nothing"
    assert len(parts.description()) > 100, parts.description()
    # Glossary links never land inside a drawing.
    assert parts.links_in_svg == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "key", "label"), PAGES_WITH_DIAGRAMS)
def test_handout_prints_the_diagram(client, path, key, label):
    html = client.get(channel_address("handout", path)).content.decode()
    parts = parse(html)
    assert f">{label}</text>" in html
    assert len(parts.described_by) == 1 and len(parts.description()) > 100


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "key", "label"), PAGES_WITH_DIAGRAMS)
def test_page_cites_the_sources_of_its_diagram(path, key, label):
    page = page_at(path)
    streams = [page.body, getattr(page, "how_it_works_figure", [])]
    assert [block.value["diagram"] for stream in streams for block in stream if block.block_type == "figure"] == [key]
    missing = set(DIAGRAMS[key].sources) - {reference.key for reference in page.cited_references}
    assert not missing, f"{path} shows {key} but does not cite {missing}"


ALT_LINE = "alt: A T cell checks the markers on two cells. It leaves a healthy cell alone. It kills a cancer cell that has a wrong marker."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "diagram: immune_check",
            "diagram: immune_chek",
            "field 'body[3].figure.diagram': There is no diagram 'immune_chek'",
        ),
        (ALT_LINE, "alt: ''", "field 'body[3].figure.alt': Add alt text"),
        (f"      {ALT_LINE}\n", "", "field 'body[3].figure': Add alt text"),
    ],
)
def test_content_file_with_a_bad_figure_is_refused(tmp_path, old, new, expected):
    content = tmp_path / "education" / "content"
    shutil.copytree(Path(settings.BASE_DIR) / "education" / "content", content)
    page = content / "pages" / "03-how-it-works.yaml"
    assert old in page.read_text()
    page.write_text(page.read_text().replace(old, new, 1))
    with pytest.raises(CommandError) as error:
        call_command("load_content", content_dir=content, stdout=StringIO())
    assert "03-how-it-works.yaml" in str(error.value) and expected in str(error.value)
