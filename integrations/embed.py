"""Embed views: a public page without the site's header, navigation and footer, for an iframe."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from caching.page_cache import cache_for_readers
from caching.wagtail_lookups import page_for_path
from education.models.pages import PortalPage
from education.public import is_public

from .framing import allowed_origins, mark_embeddable


@xframe_options_exempt
@cache_for_readers
@require_safe
def embed(request: HttpRequest, path: str = "") -> HttpResponse:
    page = page_for_path(request, f"/{path}")
    if page is None or not is_public(page) or not isinstance(page.specific, PortalPage):
        raise Http404("No embeddable page here")
    page = page.specific
    context = page.get_context(request)
    context.update(embed=True, embed_origins=allowed_origins(request))
    return mark_embeddable(render(request, page.get_template(request), context), request)


@require_safe
@cache_control(max_age=3600, public=True)
def embed_host_script(request: HttpRequest) -> HttpResponse:
    """A stable address for the host-page script; the static file's own name changes with each release."""
    return redirect(static("js/embed-host.js"))
