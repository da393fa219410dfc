"""What the editor's readability panel and the readability report show for one page.

The grades are `education.readability.score_text` of the page's own text with its excluded
terms (`education.page_text`), exactly as the content tests measure them. On top of the grades
the panel lists the hardest sentences, the words from the editable plain-words list that the page
uses, and its longest words.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

import textstat

from wagtail.models import Page

from education.locales import is_translation
from education.page_text import AIM_GRADE, AIM_SPANISH_EASE, CEILING_GRADE, MIN_SPANISH_EASE, excluded_terms, page_text
from education.readability import ReadingScores, SpanishReadingScores, score_spanish_text, score_text

from .models import PlainWord

LONG_WORD_SYLLABLES = 4
LONG_WORDS_SHOWN = 10

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W\d_]|[^\W\d_]")


@dataclass(frozen=True)
class WordNote:
    """A word the page uses, how often, and a plainer word if the list has one."""

    word: str
    count: int
    alternative: str = ""


@dataclass(frozen=True)
class ReadabilityReport:
    scores: ReadingScores
    plainer_words: list[WordNote] = field(default_factory=list)
    long_words: list[WordNote] = field(default_factory=list)
    target: int = CEILING_GRADE
    aim: int = AIM_GRADE
    # A Spanish page is scored on the Spanish reading-ease scales instead (higher is easier).
    spanish: SpanishReadingScores | None = None

    @property
    def has_text(self) -> bool:
        return (self.spanish or self.scores).words > 0

    def ease_verdict(self, formula: str) -> str:
        ease = getattr(self.spanish, formula)
        if ease >= AIM_SPANISH_EASE[formula]:
            return "meets the aim"
        if ease >= MIN_SPANISH_EASE[formula]:
            return "within the target"
        return "below the target"

    @property
    def fernandez_huerta_verdict(self) -> str:
        return self.ease_verdict("fernandez_huerta")

    @property
    def szigriszt_pazos_verdict(self) -> str:
        return self.ease_verdict("szigriszt_pazos")

    @property
    def spanish_targets(self) -> dict:
        return {"minimum": MIN_SPANISH_EASE, "aim": AIM_SPANISH_EASE}

    def verdict(self, grade: float) -> str:
        if grade <= self.aim:
            return "meets the aim"
        if grade <= self.target:
            return "within the target"
        return "above the target"

    @property
    def fk_verdict(self) -> str:
        return self.verdict(self.scores.fk_grade)

    @property
    def smog_verdict(self) -> str:
        return self.verdict(self.scores.smog)


def has_readable_text(page: Page) -> bool:
    """Content pages (the portal's page types) have text to score; Wagtail's root page does not."""
    return hasattr(page, "body") and hasattr(page, "search_description")


def _word_pattern(word: str) -> re.Pattern[str]:
    # Match simple inflections too: "administer" finds "administered", "utilise" finds "utilising".
    stem = re.escape(word[:-1]) + "(?:e|ing)" if word.endswith("e") else re.escape(word)
    return re.compile(rf"(?<![\w-]){stem}(?:s|es|d|ed|ing)?(?![\w-])", re.IGNORECASE)


def plainer_words(text: str, plain_words: dict[str, str]) -> list[WordNote]:
    notes = []
    for word, alternative in plain_words.items():
        count = len(_word_pattern(word).findall(text))
        if count:
            notes.append(WordNote(word, count, alternative))
    return sorted(notes, key=lambda note: (-note.count, note.word))


def long_words(text: str, terms: list[str], plain_words: dict[str, str]) -> list[WordNote]:
    """The page's most used words of four or more syllables, leaving out the excluded terms."""
    excluded = {word.lower() for term in terms for word in _WORD.findall(term)}
    counts = Counter(
        word.lower()
        for word in _WORD.findall(text)
        if word.lower() not in excluded and textstat.syllable_count(word) >= LONG_WORD_SYLLABLES
    )
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:LONG_WORDS_SHOWN]
    return [WordNote(word, count, plain_words.get(word, "")) for word, count in ranked]


def readability_report(page: Page, plain_words: dict[str, str] | None = None) -> ReadabilityReport:
    """The figures for `page` as it is now (in the editor: its latest saved version)."""
    if plain_words is None:
        plain_words = dict(PlainWord.objects.values_list("word", "alternative"))
    text = page_text(page)
    terms = excluded_terms(page)
    if is_translation(page):
        # The plain-words list and the syllable counts are English: not applied to Spanish.
        spanish = score_spanish_text(text, terms)
        return ReadabilityReport(scores=ReadingScores(0.0, 0.0, 0, 0, 0.0, []), spanish=spanish)
    return ReadabilityReport(
        scores=score_text(text, terms),
        plainer_words=plainer_words(text, plain_words),
        long_words=long_words(text, terms, plain_words),
    )
