"""A one-page printable handout for any public page, with a QR code back to the live page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from caching.wagtail_lookups import page_for_path
from education.models.pages import PortalPage
from education.public import is_public
from education.qr_code import qr_code_svg

# What a handout keeps: the blocks a patient acts on, and the diagrams that explain them, not the
# whole article.
HANDOUT_BLOCKS = {"key_points", "figure", "urgent", "symptom_table", "do_dont"}


def handout_blocks(page: PortalPage) -> list:
    # The body's key points lead; a therapy page's diagram and serious side effects follow.
    streams = [page.body, getattr(page, "how_it_works_figure", []), getattr(page, "serious_side_effects", [])]
    return [block for stream in streams for block in stream if block.block_type in HANDOUT_BLOCKS]


@require_safe
def handout(request: HttpRequest, path: str) -> HttpResponse:
    page = page_for_path(request, f"/{path}")
    # Handouts are for public information only; private pages stay behind their own login.
    if page is None or not is_public(page) or not isinstance(page.specific, PortalPage):
        raise Http404("No handout for this page")
    page = page.specific
    page_url = request.build_absolute_uri(page.get_url(request))
    context = {
        "page": page,
        "page_url": page_url,
        "blocks": handout_blocks(page),
        "qr_code": qr_code_svg(page_url, gettext("QR code for %(title)s") % {"title": page.title}),
    }
    return render(request, "education/handout.html", context)
