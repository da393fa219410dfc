"""Turn what a patient typed into a safe, bounded query the search backend can take."""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.cache import cache

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
# Letters and digits of any script, plus hyphens and apostrophes inside words; everything else
# (tsquery operators, quotes, brackets, NUL and control characters, emoji) becomes a space.
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
VOCABULARY_CACHE_KEY = "search:vocabulary"
VOCABULARY_SECONDS = 300


@dataclass
class CleanQuery:
    text: str = ""
    words: list[str] = field(default_factory=list)
    was_cut: bool = False
    corrected_from: str = ""
    expansions: list[str] = field(default_factory=list)

    @property
    def backend_text(self) -> str:
        return " ".join([*self.words, *self.expansions])


def clean(raw: str) -> CleanQuery:
    """Keep only words, at most MAX_QUERY_LENGTH characters and MAX_WORDS words."""
    text = unicodedata.normalize("NFKC", raw or "")
    was_cut = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    words = WORD.findall(text)
    if len(words) > MAX_WORDS:
        words, was_cut = words[:MAX_WORDS], True
    return CleanQuery(text=" ".join(words), words=words, was_cut=was_cut)


def without_accents(text: str) -> str:
    """'Célula' → 'celula': letters without their accents, lowercased (ñ becomes n too)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if not unicodedata.combining(char)))


def expand_synonyms(query: CleanQuery, synonyms: dict[str, str], accents_matter: bool = True) -> None:
    """Add the meaning of any synonym found as a phrase in the query (longest phrases first).
    Without `accents_matter` (Spanish), 'celula t' finds the synonym 'célula t'."""
    same = str.lower if accents_matter else without_accents
    lowered = " " + " ".join(same(word) for word in query.words) + " "
    for term in sorted(synonyms, key=len, reverse=True):
        variants = {same(term), same(term).replace("-", " ")}
        if any(f" {variant} " in lowered for variant in variants):
            query.expansions.extend(WORD.findall(synonyms[term]))
            for variant in variants:
                lowered = lowered.replace(f" {variant} ", " ")


def correct_spelling(query: CleanQuery, vocabulary: set[str]) -> None:
    """Replace words the site never uses with the closest word it does, for typos like 'imunotherapy'."""
    corrected, changed = [], False
    for word in query.words:
        lowered = word.lower()
        if lowered in vocabulary or len(lowered) < 4 or lowered.isdigit():
            corrected.append(word)
            continue
        match = difflib.get_close_matches(lowered, vocabulary, n=1, cutoff=0.8)
        corrected.append(match[0] if match else word)
        changed = changed or bool(match)
    if changed:
        query.corrected_from = query.text
        query.words = corrected
        query.text = " ".join(corrected)


def restore_accents(query: CleanQuery, vocabulary: set[str]) -> None:
    """Give a word typed without its accents the accents the site writes it with ('celula' →
    'célula', 'linfocito' stays): readers often cannot type them, and PostgreSQL's Spanish
    stemming keeps them. Silent, unlike a spelling correction: it is the word the reader meant."""
    accented = {}
    for word in vocabulary:
        if not word.isascii():
            accented.setdefault(without_accents(word), word)
    restored = [
        word if word.lower() in vocabulary else accented.get(without_accents(word), word) for word in query.words
    ]
    if restored != query.words:
        query.words = restored


def site_vocabulary(build, language: str = "en") -> set[str]:
    """Words the site uses in a language, cached for a few minutes: a stale list only weakens a
    suggestion."""
    key = f"{VOCABULARY_CACHE_KEY}:{language}"
    vocabulary = cache.get(key)
    if vocabulary is None:
        vocabulary = {word.lower() for text in build() for word in WORD.findall(text)}
        cache.set(key, vocabulary, VOCABULARY_SECONDS)
    return vocabulary
