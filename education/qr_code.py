"""QR codes made on the server, for what patients print: no image request, no outside service."""

import segno

from django.utils.safestring import mark_safe


def qr_code_svg(url: str, label: str, *, sized_by_css: bool = False) -> str:
    """An inline SVG QR code for `url`. `sized_by_css` leaves out its pixel size (a viewBox
    instead), for print layouts that give it a size in millimetres."""
    svg = segno.make_qr(url, error="m").svg_inline(
        scale=3, title=label, dark="#000", light="#fff", omitsize=sized_by_css
    )
    return mark_safe(svg)  # noqa: S308 (segno's own markup; the URL and label are escaped by it)
