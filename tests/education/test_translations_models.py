"""What a Spanish glossary term shows its readers."""

from education.models import GlossaryTerm


def test_a_spelling_without_accents_is_found_but_not_shown():
    term = GlossaryTerm(term="Aféresis", also_known_as="aferesis, recolección de células, recoleccion de celulas")
    assert term.other_forms == ["aferesis", "recolección de células", "recoleccion de celulas"]
    assert term.shown_forms == ["recolección de células"]
    assert GlossaryTerm(term="Órgano").sort_key == "organo"
