"""The content files' Markdown subset: what a reader sees, never the marks themselves."""

from education.markdown_text import markdown_to_richtext


def link(target: str) -> str:
    return f'<a href="{target}">'


def test_bold_around_a_link_is_bold_and_shows_no_asterisks():
    html = markdown_to_richtext("- **[Cytokines](/types/cytokines/):** fluid leaking", link)
    assert html == '<ul><li><b><a href="/types/cytokines/">Cytokines</a>:</b> fluid leaking</li></ul>'


def test_bold_inside_a_link_and_in_plain_text():
    html = markdown_to_richtext("A **bold** word and [a **strong** link](/x/).", link)
    assert html == '<p>A <b>bold</b> word and <a href="/x/">a <b>strong</b> link</a>.</p>'


def test_marks_that_would_cut_through_a_link_stay_as_written():
    assert (
        markdown_to_richtext("**[half**](/x/) and ** alone", link) == '<p>**<a href="/x/">half**</a> and ** alone</p>'
    )
