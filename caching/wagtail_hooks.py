from wagtail import hooks

from .page_links import KeptPageLinkHandler
from .wagtail_lookups import hold_site_root_paths


@hooks.register("register_rich_text_features", order=100)
def use_kept_page_links(features):
    # Runs after Wagtail's own registration (order 0), so this handler replaces its "page" links.
    features.register_link_type(KeptPageLinkHandler)


@hooks.register("on_serve_page", order=100)
def give_served_pages_the_root_paths(serve):
    """page.full_url in a template (canonical link, JSON-LD) has no request to read the sites'
    root paths from: give the page itself the kept copy. Runs inside Wagtail's restriction check."""

    def serve_with_root_paths(page, request, serve_args, serve_kwargs):
        hold_site_root_paths(page)
        return serve(page, request, serve_args, serve_kwargs)

    return serve_with_root_paths
