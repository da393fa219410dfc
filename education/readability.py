"""The portal's one reading-level measure.

Content tests, the editor panel and reports all call `score_text`, so a page gets the same
grade wherever it is measured. The method follows the content brief (section 10.2):

- Markdown is reduced to its visible words, and every line (heading, list item, table cell)
  counts as a sentence of its own, as a reader meets it. So pass each paragraph on one line
  (as rich text gives it), and join separate fields with a newline.
- Generic drug names and glossary terms are removed before scoring: they are needed, are
  defined in the glossary, and would otherwise inflate the grade.
- Flesch-Kincaid grade and SMOG come from textstat (pinned to 0.7.8, which works offline).
  Where textstat's SMOG gives 0 for a short text, the sentence-adjusted SMOG formula is used.
- Spanish text is scored the same way by the two Spanish formulas textstat has: Fernández-Huerta
  and Szigriszt-Pazos (the INFLESZ scale). Both are "reading ease" scores: higher is easier.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import textstat
from textstat.textstat import textstatistics

HARDEST_SENTENCES = 5

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+>]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_HAS_LETTER = re.compile(r"[^\W\d_]")


# textstat's language is a setting of the instance: the Spanish measure has its own, so scoring
# Spanish never changes how English is scored, even with both in one process.
_spanish = textstatistics()
_spanish.set_lang("es")


@dataclass(frozen=True)
class SpanishReadingScores:
    """Reading ease of a Spanish text: 100 is easiest. 60 to 70 reads as "normal" (about the
    last years of primary school); 70 to 80 as "fairly easy"."""

    fernandez_huerta: float
    szigriszt_pazos: float
    words: int
    sentences: int
    average_sentence_length: float
    hardest_sentences: list[str]


@dataclass(frozen=True)
class ReadingScores:
    """Reading-level scores for one text."""

    fk_grade: float
    smog: float
    words: int
    sentences: int
    average_sentence_length: float
    hardest_sentences: list[str]


def split_sentences(text: str) -> list[str]:
    """Split markdown-ish text into sentences; each line or list item is at least one."""
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text).replace("**", "")
    sentences = []
    for line in text.splitlines():
        line = _LIST_MARKER.sub("", line).strip()
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if _HAS_LETTER.search(sentence):
                sentences.append(sentence)
    return sentences


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    # Longest first, so "CAR T-cell therapy" goes before "CAR"; hyphens count as part of a
    # word, so removing "CAR" never leaves "-T" behind.
    unique = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not unique:
        return None
    alternatives = "|".join(re.escape(t) for t in unique)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def _remove_terms(sentence: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is not None:
        sentence = pattern.sub(" ", sentence)
        sentence = re.sub(r"\(\s*[,;]?\s*\)", " ", sentence)
    return re.sub(r"\s+", " ", sentence).strip()


def _as_sentence(sentence: str) -> str:
    # textstat finds sentences by their final punctuation, so give every line an ending.
    return sentence if sentence[-1] in ".!?" else sentence + "."


def _smog(text: str, sentences: int) -> float:
    smog = textstat.smog_index(text)
    if smog == 0 and sentences:
        polysyllables = textstat.polysyllabcount(text)
        smog = 1.043 * math.sqrt(polysyllables * 30 / sentences) + 3.1291
    return smog


def _sentences_to_score(text: str, excluded_terms: Iterable[str]) -> list[tuple[str, str]]:
    """Each sentence as written, and as scored (excluded terms removed, an ending added)."""
    pattern = _term_pattern(excluded_terms)
    scored: list[tuple[str, str]] = []
    for original in split_sentences(text):
        cleaned = _remove_terms(original, pattern)
        if _HAS_LETTER.search(cleaned):
            scored.append((original, _as_sentence(cleaned)))
    return scored


@dataclass(frozen=True)
class _Counted:
    """What both languages' scores share: the text as scored, its counts, its hardest sentences."""

    joined: str
    words: int
    sentences: int
    average_sentence_length: float
    hardest_sentences: list[str]


def _count(text: str, excluded_terms: Iterable[str], stats, hardest_first: Callable[[str], float]) -> _Counted | None:
    """Counts by `stats` (textstat, or its Spanish instance); sentences ranked by `hardest_first`."""
    scored = _sentences_to_score(text, excluded_terms)
    if not scored:
        return None
    joined = " ".join(cleaned for _, cleaned in scored)
    words = stats.lexicon_count(joined)
    sentences = stats.sentence_count(joined)
    ranked = sorted(scored, key=lambda pair: hardest_first(pair[1]))
    return _Counted(
        joined,
        words,
        sentences,
        round(words / sentences, 2) if sentences else 0.0,
        [original for original, _ in ranked[:HARDEST_SENTENCES]],
    )


def score_spanish_text(text: str, excluded_terms: Iterable[str] = ()) -> SpanishReadingScores:
    """Score Spanish `text` after removing `excluded_terms`, as score_text does for English."""
    counted = _count(text, excluded_terms, _spanish, _spanish.fernandez_huerta)
    if counted is None:
        return SpanishReadingScores(0.0, 0.0, 0, 0, 0.0, [])
    return SpanishReadingScores(
        fernandez_huerta=round(_spanish.fernandez_huerta(counted.joined), 1),
        szigriszt_pazos=round(_spanish.szigriszt_pazos(counted.joined), 1),
        words=counted.words,
        sentences=counted.sentences,
        average_sentence_length=counted.average_sentence_length,
        hardest_sentences=counted.hardest_sentences,
    )


def score_text(text: str, excluded_terms: Iterable[str] = ()) -> ReadingScores:
    """Score `text` after removing `excluded_terms` (whole words, any case)."""
    counted = _count(text, excluded_terms, textstat, lambda sentence: -textstat.flesch_kincaid_grade(sentence))
    if counted is None:
        return ReadingScores(0.0, 0.0, 0, 0, 0.0, [])
    return ReadingScores(
        fk_grade=round(textstat.flesch_kincaid_grade(counted.joined), 2),
        smog=round(_smog(counted.joined, counted.sentences), 2),
        words=counted.words,
        sentences=counted.sentences,
        average_sentence_length=counted.average_sentence_length,
        hardest_sentences=counted.hardest_sentences,
    )
