"""The content checks that fail the build: reading level, seed coverage, links, glossary, safety
and sources, measured on the site a clinic gets from `make run`."""

import re
import subprocess
import sys
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from wagtail.models import Locale, Page

from education.loader import ContentReader
from education.management.commands.load_content import DEFAULT_CONTENT_DIR
from education.models import FAQ, GlossaryTerm, PortalSettings
from education.page_text import (
    CEILING_GRADE,
    MAX_URGENT_FK_GRADE,
    excluded_terms,
    glossary_forms,
    page_text,
    urgent_texts,
)
from education.readability import score_text
from tests.conftest import page_at

pytestmark = pytest.mark.django_db

CONTENT = ContentReader(DEFAULT_CONTENT_DIR).read()
# The English pages' addresses (education/content/es/ is checked by test_spanish_content.py).
CONTENT_PAGES = sorted(f"/{django_settings.LANGUAGE_CODE}{spec.url_path}" for spec in CONTENT.pages)


# --- Rendering and crawling -------------------------------------------------------------------

SKIPPED_PATHS = ("/admin/", "/documents/", "/static/")
_NOT_SHOWN = re.compile(r"<(head|script|style|template)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"</?(?:p|li|ul|ol|h[1-6]|div|section|nav|header|footer|aside|article|main|table|caption|tr|th|td"
    r"|details|summary|dl|dt|dd|br)\b[^>]*>",
    re.IGNORECASE,
)
# Parts of <main> that are not the page's own words: source titles (which name diseases and
# drugs), the titles and summaries of other pages in listings, and the definitions of the
# glossary terms the page uses.
_NOT_OWN_TEXT = [
    re.compile(r'<ol class="reference-list.*?</ol>', re.DOTALL),
    re.compile(r'<nav class="related-pages.*?</nav>', re.DOTALL),
    re.compile(r'<ul class="card-list.*?</ul>', re.DOTALL),
    re.compile(r'<section class="page-glossary.*?</section>', re.DOTALL),
]


def html_to_text(html: str) -> str:
    """Visible text with one line per block element, so words never run together."""
    html = _BLOCK_TAG.sub("\n", _NOT_SHOWN.sub("", html))
    text = unescape(re.sub(r"<[^>]+>", "", html))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


class _LinksAndIds(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href") is not None:
            self.hrefs.append(attributes["href"])


@dataclass
class CrawledPage:
    status: int
    html: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (path, #fragment) on this site
    ids: set[str] = field(default_factory=set)

    @property
    def main_html(self) -> str:
        match = re.search(r"<main\b.*?</main>", self.html, re.DOTALL)
        return match.group(0) if match else ""

    @property
    def text(self) -> str:
        """Everything a reader sees on the page, header and footer included."""
        return html_to_text(self.html)

    @property
    def own_text(self) -> str:
        """The main content without source lists and other pages' summaries."""
        html = self.main_html
        for pattern in _NOT_OWN_TEXT:
            html = pattern.sub("\n", html)
        return html_to_text(html)


def internal_target(base: str, href: str) -> tuple[str, str] | None:
    """(path with query, fragment) for a link to this site; None for tel:, mailto: and outside links."""
    url = urlsplit(urljoin(f"http://testserver{base}", href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver" or url.path.startswith(SKIPPED_PATHS):
        return None
    return url.path + (f"?{url.query}" if url.query else ""), url.fragment


@pytest.fixture(scope="session")
def crawl(django_db_setup, django_db_blocker) -> dict[str, CrawledPage]:
    """Every address reached from / by following links, each fetched once as a visitor."""
    client, pages, queue = Client(), {}, [f"/{django_settings.LANGUAGE_CODE}/"]
    with django_db_blocker.unblock():
        while queue:
            path = queue.pop()
            if path in pages:
                continue
            response = client.get(path)
            page = pages[path] = CrawledPage(response.status_code)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            page.html = response.content.decode()
            parser = _LinksAndIds()
            parser.feed(page.html)
            page.ids = parser.ids
            page.links = [target for href in parser.hrefs if (target := internal_target(path, href))]
            queue.extend(target_path for target_path, _ in page.links)
    return pages


@pytest.fixture
def live_paths(site) -> list[str]:
    return sorted(page.url for page in site.root_page.get_descendants(inclusive=True).live().public())


# --- 1. Reading level -------------------------------------------------------------------------


def test_the_checked_pages_are_the_live_pages(live_paths):
    assert live_paths == CONTENT_PAGES


@pytest.mark.parametrize("path", CONTENT_PAGES)
def test_reading_level(path):
    page = page_at(path)
    excluded = excluded_terms(page)
    scores = score_text(page_text(page), excluded)
    hardest = "\n  ".join(scores.hardest_sentences[:3])
    assert scores.words > 0
    assert scores.fk_grade <= CEILING_GRADE, f"FK grade {scores.fk_grade}; hardest sentences:\n  {hardest}"
    assert scores.smog <= CEILING_GRADE, f"SMOG {scores.smog}; hardest sentences:\n  {hardest}"
    for callout in urgent_texts(page):
        grade = score_text(callout, excluded).fk_grade
        assert grade <= MAX_URGENT_FK_GRADE, f"urgent callout at FK grade {grade}:\n{callout}"


AT_ONCE = re.compile(r"\b(at once|right away|now|immediately)\b", re.IGNORECASE)


# --- 2. Coverage of the seed (brief, section 2) -----------------------------------------------

# Seed point, the page the brief assigns it to, and phrases that show the page covers it with
# the brief's corrections. A point the brief assigns to several pages is checked on the main ones.
SEED_COVERAGE = [
    ("S1", "/en/what-is-immunotherapy/", [r"immune system fight disease", r"biological therapy", r"used for cancer"]),
    ("S2a", "/en/how-it-works/", [r"wakes? up immune cells", r"immune cells more active"]),
    (
        "S2b",
        "/en/how-it-works/",
        [r"spot a target they missed", r"cancer vaccines and CAR T-cell therapy work like this"],
    ),
    ("S2c", "/en/how-it-works/", [r"takes? off the brakes", r"switch immune cells off", r"normal cells around them"]),
    ("S3", "/en/types/checkpoint-inhibitors/", [r"off switch", r"lab-made antibodies", r"block the switch"]),
    ("S4", "/en/types/car-t-cell-therapy/", [r"T cells are collected", r"in a lab", r"given back to you"]),
    (
        "S5",
        "/en/types/monoclonal-antibodies/",
        [r"made in a lab", r"targeted therapy", r"checkpoint inhibitors are also"],
    ),
    ("S6", "/en/types/cancer-vaccines/", [r"people who already have cancer", r"preventive vaccines", r"HPV vaccine"]),
    ("S7", "/en/types/cytokines/", [r"interferon", r"interleukin-2", r"high-dose interleukin-2 is given in hospital"]),
    ("S8", "/en/where-it-is-used/cancer/", [r"\bmelanoma\b", r"\blung cancer\b", r"\bbladder cancer\b"]),
    ("S8", "/en/types/car-t-cell-therapy/", [r"some blood cancers"]),
    (
        "S9",
        "/en/where-it-is-used/autoimmune-conditions/",
        [r"calm the immune system", r"different medicines", r"lupus"],
    ),
    (
        "S10",
        "/en/where-it-is-used/chronic-infections/",
        [r"small (role|part)", r"interferon.*hepatitis B", r"antiviral"],
    ),
    (
        "S11",
        "/en/what-is-immunotherapy/",
        [r"first treatment", r"after surgery", r"CAR T-cell therapy is still mostly"],
    ),
    ("S12", "/en/benefits-and-limits/", [r"cannot aim only at the cancer", r"attack healthy parts of your body"]),
    (
        "S13",
        "/en/benefits-and-limits/",
        [r"lasts? a long time", r"keep working after you stop", r"not a promise of a cure"],
    ),
    ("S14", "/en/benefits-and-limits/", [r"made for you", r"from your own cells", r"tests on your tumour"]),
    ("S15", "/en/benefits-and-limits/", [r"only some people respond", r"does not work for everyone"]),
    ("S16", "/en/side-effects-and-monitoring/", [r"\btiredness\b", r"\brash\b", r"inflammation of organs"]),
    ("S16", "/en/types/car-t-cell-therapy/", [r"cytokine release syndrome", r"\bICANS\b"]),
    (
        "S17",
        "/en/side-effects-and-monitoring/",
        [r"type of immunotherapy and the dose", r"health before", r"blood tests"],
    ),
    ("S18", "/en/side-effects-and-monitoring/", [r"look like an autoimmune disease", r"months after your last dose"]),
    ("S18", "/en/after-treatment/", [r"look like an autoimmune disease", r"after it ends", r"check-ups"]),
    ("S18", "/en/types/checkpoint-inhibitors/", [r"look like an autoimmune disease", r"after your last dose"]),
    ("S19", "/en/research-and-future/", [r"easier to get", r"to pay for", r"social worker"]),
    ("S20", "/en/research-and-future/", [r"combining treatments", r"two checkpoint inhibitors together"]),
    ("S21", "/en/research-and-future/", [r"predicting who will benefit", r"PD-L1", r"no test can say for sure"]),
    ("S22", "/en/supporting-someone/", [r"make a real difference", r"warning signs", r"look after yourself"]),
    # The seed's closing message (hope, staying informed together) closes the home page.
    ("S22", "/en/", [r"real reason for hope", r"ask your care team anything", r"learning about your treatment"]),
]


SEED_INVENTORY = Path(__file__).resolve().parents[2] / "docs" / "seed-inventory.md"


def seed_inventory() -> dict[str, set[str]]:
    """Each seed point in the product's inventory (docs/seed-inventory.md), with its pages."""
    rows = re.findall(r"^\| (S\d+[a-z]?) \|[^|\n]*\|([^|\n]*)\|$", SEED_INVENTORY.read_text(), re.MULTILINE)
    return {seed: set(re.findall(r"`(/[^`]*)`", pages)) for seed, pages in rows}


def test_every_seed_point_in_the_inventory_is_checked_on_a_page_it_names(live_paths):
    inventory = seed_inventory()
    assert {seed for seed, _, _ in SEED_COVERAGE} == set(inventory)
    elsewhere = [f"{seed} on {path}" for seed, path, _ in SEED_COVERAGE if path not in inventory[seed]]
    assert elsewhere == [], "checked on a page the inventory does not give the point"
    named = set().union(*inventory.values())
    assert named - set(live_paths) == set(), "the inventory names pages the site does not have"


@pytest.mark.parametrize(
    ("seed", "path", "phrases"), SEED_COVERAGE, ids=[f"{seed}-{path}" for seed, path, _ in SEED_COVERAGE]
)
def test_seed_point_is_covered(crawl, seed, path, phrases):
    text = crawl[path].own_text
    missing = [phrase for phrase in phrases if not re.search(phrase, text, re.IGNORECASE)]
    assert not missing, f"{seed} not covered on {path}: no match for {missing}"


# --- 3. Links ---------------------------------------------------------------------------------


def test_every_internal_link_and_anchor_resolves(crawl):
    broken = []
    for source, page in crawl.items():
        for path, fragment in page.links:
            target = crawl[path]
            if target.status != 200:
                broken.append(f"{source} -> {path}: {target.status}")
            elif fragment and fragment not in target.ids:
                broken.append(f"{source} -> {path}#{fragment}: no element with that id")
    assert not broken


def test_every_page_has_a_way_back_home(crawl, live_paths):
    # Content pages link home from the header or breadcrumbs; any other page reached (a printable
    # handout, say) must at least link to a page from which home can be reached.
    assert [path for path in live_paths if ("/en/", "") not in crawl[path].links] == []
    reaches_home, grown = {"/en/"}, True
    while grown:
        before = len(reaches_home)
        reaches_home |= {path for path, page in crawl.items() if any(link in reaches_home for link, _ in page.links)}
        grown = len(reaches_home) > before
    assert [path for path, page in crawl.items() if page.html and path not in reaches_home] == []


def test_the_crawl_reaches_every_live_page(crawl, live_paths):
    assert [path for path in live_paths if path not in crawl or crawl[path].status != 200] == []


# --- 4. Glossary ------------------------------------------------------------------------------

# Medical words a reader may not know. Each use must be one the glossary explains, so the site
# can mark it; case matters only for abbreviations that are also ordinary words ("CAR" and "car").
JARGON = [
    r"(?i:checkpoints?)",
    r"(?i:antigens?)",
    r"(?i:cytokines?)",
    r"(?i:T[- ]cells?)",
    r"(?i:B[- ]cells?)",
    r"CARs?",
    r"CAR-T",
    r"(?i:monoclonal)",
    r"(?i:bispecifics?)",
    r"(?i:irAEs?)",
    r"CRS",
    r"ICANS",
    r"PD-L?1",
    r"CTLA-4",
    r"(?i:apheresis)",
    r"(?i:lymphodepleting)",
    r"(?i:interferons?)",
    r"(?i:interleukins?)",
    r"IL-2",
    r"(?i:oncolytic)",
    r"(?i:immune-related)",
    r"(?i:pneumonitis)",
    r"(?i:colitis)",
    r"(?i:hepatitis)",
    r"(?i:hypophysitis)",
    r"(?i:thyroiditis)",
    r"(?i:myocarditis)",
    r"(?i:neurotoxicity)",
    r"(?i:pseudoprogression)",
    r"(?i:biomarkers?)",
    r"(?i:remission)",
    r"(?i:subcutaneous)",
    r"(?i:lymphomas?)",
    r"(?i:leuka?emias?)",
    r"(?i:myeloma)",
    r"(?i:melanomas?)",
    r"MSI-high",
    r"dMMR",
    r"TNF",
    r"BCG",
    r"HPV",
    r"(?i:tumou?r lysis)",
    r"(?i:capillary leak)",
    r"(?i:adrenal insufficiency)",
]
JARGON_PATTERN = re.compile(r"(?<!\w)(?:" + "|".join(JARGON) + r")(?!\w)")


def whole_words(forms) -> re.Pattern[str]:
    """Any of `forms` as whole words, any case, longest first; hyphens belong to the word."""
    alternatives = "|".join(re.escape(form) for form in sorted(set(forms), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def unexplained_jargon(text: str, glossary: re.Pattern[str]) -> list[str]:
    """Jargon in `text` that is not part of a glossary term or one of its other forms."""
    explained = [match.span() for match in glossary.finditer(text)]
    return [
        match.group(0)
        for match in JARGON_PATTERN.finditer(text)
        if not any(start <= match.start() and match.end() <= end for start, end in explained)
    ]


def test_jargon_check_catches_a_word_outside_any_glossary_form():
    glossary = whole_words(["monoclonal antibodies", "CAR T cells", "cytokine release syndrome"])
    assert unexplained_jargon("Monoclonal antibodies and CAR T cells can cause CRS.", glossary) == ["CRS"]
    assert unexplained_jargon("Monoclonal and bispecific antibodies", glossary) == ["Monoclonal", "bispecific"]
    assert unexplained_jargon("Drive the car home.", glossary) == []


def test_no_jargon_without_a_glossary_entry(crawl, live_paths):
    glossary = whole_words(glossary_forms(Locale.get_default().pk))
    unexplained = {path: unexplained_jargon(crawl[path].own_text, glossary) for path in live_paths}
    assert {path: words for path, words in unexplained.items() if words} == {}


def test_every_glossary_term_is_used_on_another_page(crawl, live_paths):
    site_text = "\n".join(crawl[path].own_text for path in live_paths if path != "/en/glossary/")
    unused = [
        term.term
        for term in GlossaryTerm.objects.filter(locale__language_code="en")
        if not whole_words([term.term, *term.other_forms]).search(site_text)
    ]
    assert not unused, f"glossary terms used on no other page: {unused}"


# --- 5. Safety --------------------------------------------------------------------------------

# Amounts of medicine and how many times a day or week to take them. Durations ("2 weeks",
# "30 minutes") and counts of people ("43 out of every 100") are not doses.
DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|milligrams?|micrograms?|mcg|µg|μg|g/kg|units?/kg|M?IU|international units"
    r"|ml/kg|tablets?|capsules?|pills?)(?:/(?:kg|m2|m²|day|dose))?(?!\w)"
    r"|\b(?:(?:\d+|one|two|three|four|five|six)\s*(?:x|times)|once|twice)\s+(?:a|per|each|every)\s+(?:day|week)\b"
    r"|\b\d+\s*x\s*daily\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    ("text", "is_dose"),
    [
        ("200 mg every 3 weeks", True),
        ("2 mg/kg", True),
        ("10 micrograms", True),
        ("3 MIU a day, 3 times a week", True),
        ("5 mcg", True),
        ("take 2 tablets", True),
        ("100,000 units/kg", True),
        ("twice a day", True),
        ("2 weeks", False),
        ("30 minutes", False),
        ("1 to 2 weeks", False),
        ("the team's 24-hour number", False),
        ("43 out of every 100", False),
        ("every 2, 3, 4 or 6 weeks", False),
    ],
)
def test_dose_pattern_flags_amounts_not_durations(text, is_dose):
    assert bool(DOSE.search(text)) is is_dose


def test_every_page_has_the_standard_note_and_a_link_to_get_help(crawl, live_paths, site):
    settings = PortalSettings.for_site(site)
    note = " ".join(settings.standard_note.split())
    help_path = settings.help_page.url
    assert help_path == "/en/get-help-now/"
    client = Client()
    # Pages, and what is not a page but a reader still lands on: the A to Z, search, handouts.
    texts = {path: crawl[path].text for path in live_paths}
    for path in ("/en/a-z/", "/en/search/?q=fever", "/en/handout/types/cytokines/", "/en/handout/get-help-now/"):
        texts[path] = client.get(path).content.decode()
    missing_note = [path for path, text in texts.items() if note not in " ".join(unescape(text).split())]
    missing_help = [path for path in live_paths if (help_path, "") not in crawl[path].links]
    missing_help += [path for path in texts if path not in crawl and f'href="{help_path}"' not in texts[path]]
    assert (missing_note, missing_help) == ([], [])


def test_no_page_gives_dosing_amounts(crawl, live_paths):
    doses = {path: DOSE.findall(crawl[path].text) for path in live_paths}
    assert {path: found for path, found in doses.items() if found} == {}


# --- 6. References ----------------------------------------------------------------------------

LATE_ONSET = re.compile(r"after (your|the) last dose|after (treatment|it) ends|long after you stop", re.IGNORECASE)
LATE_ONSET_CO_CITATIONS = {"ESMO-PG", "NCI-SE", "COUEY2019"}


def _reference_keys(page) -> set[str]:
    return {block.value.key for block in page.references if block.value}


def test_every_page_reference_resolves_and_is_listed(crawl, live_paths):
    problems = []
    for path in live_paths:
        page = page_at(path)
        if any(block.value is None for block in page.references):
            problems.append(f"{path}: a reference that no longer exists")
        problems += [
            f"{path}: {key} not in the sources list"
            for key in _reference_keys(page)
            if f"ref-{key.lower()}" not in crawl[path].ids
        ]
    assert problems == []


def test_side_effects_page_co_cites_ibis_for_late_side_effects():
    assert {"IBIS2023"} | LATE_ONSET_CO_CITATIONS <= _reference_keys(page_at("/en/side-effects-and-monitoring/"))


def test_late_onset_is_never_cited_to_ibis_alone(live_paths):
    # Brief, section 1: Ibis et al. support the autoimmune-like nature; late onset needs the others.
    alone = [
        path
        for path in live_paths
        if "IBIS2023" in (keys := _reference_keys(page := page_at(path)))
        and LATE_ONSET.search(page_text(page))
        and not keys >= LATE_ONSET_CO_CITATIONS
    ]
    alone += [
        faq.key
        for faq in FAQ.objects.prefetch_related("references")
        if "IBIS2023" in (keys := {reference.key for reference in faq.references.all()})
        and LATE_ONSET.search(faq.answer)
        and not keys >= LATE_ONSET_CO_CITATIONS
    ]
    assert alone == []


def test_every_reference_in_the_file_is_cited(live_paths):
    cited = {key for path in live_paths for key in _reference_keys(page_at(path))}
    cited |= set(FAQ.objects.values_list("references__key", flat=True))
    assert [entry.key for entry in CONTENT.references if entry.key not in cited] == []


# --- 7. Scoring offline -----------------------------------------------------------------------

OFFLINE_SCORE = """
import socket

def refuse(*args, **kwargs):
    raise OSError("the network is unavailable in this test")

socket.socket.connect = socket.socket.connect_ex = refuse
from education.readability import score_text
scores = score_text({text!r})
print(scores.fk_grade, scores.smog)
"""


def test_scoring_works_without_the_network():
    # A fresh interpreter, so no dictionary is already loaded: textstat must find it on disk.
    text = "Immunotherapy helps your immune system fight cancer. Tell your team about any new symptom."
    result = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCORE.format(text=text)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    scores = score_text(text)
    assert result.stdout.split() == [str(scores.fk_grade), str(scores.smog)]
    assert scores.fk_grade > 0 and scores.smog > 0


# --- The report -------------------------------------------------------------------------------


def test_content_report_lists_every_page_and_fails_on_a_hard_page(live_paths):
    out = StringIO()
    call_command("content_report", "--fail", stdout=out)
    report = out.getvalue()
    assert all(re.search(rf"^{re.escape(path)} .* pass$", report, re.MULTILINE) for path in live_paths)

    page = page_at("/en/where-it-is-used/")  # a short page, so one hard summary tips it over
    page.search_description = (
        "Immunotherapeutic interventions demonstrate considerable heterogeneity regarding therapeutic applicability, "
        "necessitating individualised multidisciplinary evaluation incorporating comorbidities and contraindications."
    )
    page.save()
    out = StringIO()
    with pytest.raises(CommandError, match="1 page"):
        call_command("content_report", "--fail", stdout=out)
    assert re.search(r"^/en/where-it-is-used/ .* FAIL$", out.getvalue(), re.MULTILINE)
    assert "Hardest sentences on /en/where-it-is-used/:\n  - Immunotherapeutic interventions" in out.getvalue()


@pytest.mark.django_db
def test_nothing_that_says_call_at_once_is_shown_at_a_slower_level():
    """ "Call the CAR-T team at once" under "get advice today" told a reader they had hours."""
    slow = {"same_day", "contact_team"}
    said_slowly = []
    for page in Page.objects.live().specific():
        # A therapy page's serious side effects are callouts too.
        streams = [getattr(page, "body", None) or [], getattr(page, "serious_side_effects", None) or []]
        for block in (block for stream in streams for block in stream):
            if block.block_type == "urgent" and block.value["level"] in slow:
                words = f"{block.value['heading']} {block.value['text'].source}"
                said_slowly += [f"{page.url_path}: {block.value['heading']}"] if AT_ONCE.search(words) else []
            if block.block_type == "symptom_table":
                said_slowly += [
                    f"{page.url_path}: {row['symptom']}"
                    for row in block.value["rows"]
                    if row["urgency"] in slow and AT_ONCE.search(row["action"])
                ]
    assert said_slowly == []
