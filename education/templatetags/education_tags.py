"""Site-wide navigation (in a fixed number of queries however large the site grows) and glossary marking."""

import hashlib

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from wagtail.models import Page, Site

from caching import record
from caching.fragments import cached, cached_in_worker
from caching.page_links import resolve_links_in
from education.glossary_marking import current_matcher, mark_terms
from education.locales import language_of
from education.models import ConditionPage, FAQIndexPage, PortalSettings, TherapyTypePage
from education.models.settings import tel_href
from education.navigation import (
    ancestor_links,
    child_links,
    condition_links,
    linked_page_links,
    page_link,
    related_links,
)
from education.public import visible
from education.qr_code import qr_code_svg
from education.structured_data import as_script, page_structured_data
from education.translations import in_reader_language

register = template.Library()


def _language_of_context(context) -> str:
    """The language of the page being shown (a preview in the admin too), else the one being read."""
    page = context.get("page")
    return language_of(page) if isinstance(page, Page) else translation.get_language()


def _site_root(context) -> Page | None:
    """The home page in the language being read."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return in_reader_language(site.root_page) if site else None


@register.simple_tag(takes_context=True)
def home_url(context) -> str:
    root = _site_root(context)
    return root.get_url(context.get("request")) if root else "/"


@register.simple_tag(takes_context=True)
def main_navigation(context, current_page: Page | None = None) -> list[dict]:
    """The home page's children marked 'show in menus', with the current section marked."""
    root = _site_root(context)
    if root is None:
        return []
    items = []
    for link in child_links(root):
        if not link["in_menu"]:
            continue
        current = ""
        if isinstance(current_page, Page) and current_page.path.startswith(link["path"]):
            current = "page" if current_page.pk == link["pk"] else "true"
        items.append({**link, "current": current})
    return items


@register.simple_tag(takes_context=True)
def footer_links(context) -> list[dict]:
    """Top-level pages not in the main menu (FAQs, glossary, sources, about…), on every page;
    the privacy and accessibility pages come after them (policy_links)."""
    root = _site_root(context)
    if root is None:
        return []
    policies = {link["pk"] for link in policy_links(context)}
    return [link for link in child_links(root) if not link["in_menu"] and link["pk"] not in policies]


@register.simple_tag(takes_context=True)
def home_entry_points(context, page: Page) -> list[dict]:
    """The home page's cards: its public children but the privacy and accessibility pages, which
    are about the site, not the treatment, and which every footer links to already."""
    policies = {link["pk"] for link in policy_links(context)}
    return [link for link in child_links(page) if link["pk"] not in policies]


# The setting that names each policy page, and the home page's child used when it names none
# (the content files make /privacy/ and /accessibility/).
POLICY_PAGES = (("privacy_page", "privacy"), ("accessibility_page", "accessibility"))


@register.simple_tag(takes_context=True)
def policy_links(context) -> list[dict]:
    """The privacy notice and accessibility statement, for every footer and embed; a page that is
    not public (unpublished, restricted, deleted) is left out rather than linked."""
    request, root = context.get("request"), _site_root(context)
    if request is None or root is None:
        return []
    portal = PortalSettings.for_request(request)
    chosen = [getattr(portal, f"{field}_id") for field, _ in POLICY_PAGES]

    english_root = Site.find_for_request(request).root_page

    def build() -> list[dict]:
        # Usually both are among the home page's public children, which every footer lists
        # anyway: no query of their own. A language whose home has no translation of them links
        # to the English ones.
        children = child_links(root) + (child_links(english_root) if root.pk != english_root.pk else [])
        links = []
        for (_, slug), page_id in zip(POLICY_PAGES, chosen, strict=True):
            link = next((c for c in children if (c["pk"] == page_id if page_id else c["slug"] == slug)), None)
            if page_id and (link is None or root.pk != english_root.pk):
                page = visible(Page.objects.filter(pk=page_id)).first()
                link = page_link(in_reader_language(page)) if page else None
            if link is not None:
                links.append(link)
        return links

    return cached(f"policy-links:{root.pk}:{chosen[0]}:{chosen[1]}", build)


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    """A link that works from inside another site's frame: page.url is relative on a single site."""
    return context["request"].build_absolute_uri(url)


@register.inclusion_tag("components/breadcrumbs.html")
def breadcrumbs(page: Page) -> dict:
    return {"ancestors": ancestor_links(page), "current": page}


@register.simple_tag
def page_listing(page: Page) -> list[dict]:
    """A page's public children with their summaries, for hubs and the home page."""
    return child_links(page)


# What each page type lists of other pages, beside its related pages: {context name: relation}.
# The therapy and condition pages are linked both ways through TherapyTypePage.used_for (a
# condition page reads its side with its narrower conditions, navigation.condition_links).
LINKED_PAGES = {TherapyTypePage: {"conditions": "used_for"}}


@register.simple_tag(takes_context=True)
def page_listings(context, page: Page) -> str:
    """Puts the page's lists of other pages in the context (`related`, and by page type
    `conditions`, or `therapy_types` and `narrower_conditions`), only public pages, before the
    parts that show them."""
    context["related"] = related_links(page, context.get("request"))
    for name, relation in LINKED_PAGES.get(type(page), {}).items():
        context[name] = linked_page_links(page, relation)
    if isinstance(page, ConditionPage):
        context.update(condition_links(page))
    return ""


@register.simple_tag
def faq_topics(page: FAQIndexPage) -> list:
    """The FAQ page's topics, with every page their answers link to looked up at once."""
    topics = page.topics
    resolve_links_in(faq.answer for topic in topics for faq in topic.faqs.all())
    return topics


class GlossaryMarkedNode(template.Node):
    def __init__(self, nodelist, variable_name: str):
        self.nodelist, self.variable_name = nodelist, variable_name

    def render(self, context) -> str:
        html, used = mark_terms(self.nodelist.render(context), current_matcher(_language_of_context(context)))
        context[self.variable_name] = used
        return mark_safe(html)  # noqa: S308 (only text between tags changes, wrapped in a fixed link)


@register.tag
def glossary_marked(parser, token):
    """{% glossary_marked as used_terms %}…{% end_glossary_marked %}: links the first use of each
    glossary term in the enclosed HTML to its definition, and names the terms used."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% glossary_marked as variable %}")
    nodelist = parser.parse(("end_glossary_marked",))
    parser.delete_first_token()
    return GlossaryMarkedNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def structured_data(context, page: Page) -> str:
    """The page's JSON-LD script tags, escaped so no content can end the script early."""
    request = context["request"]
    organisation = PortalSettings.for_request(request).organisation_name
    blocks = page_structured_data(page, request, organisation, ancestor_links(page))
    return mark_safe("".join(as_script(data) for data in blocks))  # noqa: S308


@register.simple_tag(takes_context=True)
def handout_url(context, page: Page) -> str:
    root = _site_root(context)
    # The home page is a menu of other pages; there is nothing to hand out.
    if root is None or page.pk == root.pk or not page.url_path.startswith(root.url_path):
        return ""
    return reverse("handout", args=[page.url_path[len(root.url_path) :]])


@register.simple_tag
def team_phone(portal: PortalSettings, team: str) -> dict[str, str]:
    """The number an urgency callout for `team` shows, and its tel: link."""
    number = portal.team_phone(team)
    return {"number": number, "href": tel_href(number) if number else ""}


@register.filter
def cut_trailing_stop(text: str) -> str:
    """'Couey MA, et al.' + '. ' would print 'et al..'."""
    return text.rstrip().rstrip(".")


def _chosen_page_url(context, field: str) -> str:
    """The address of the page a PortalSettings field chooses, if it is public; cached like the menus."""
    request = context.get("request")
    portal = PortalSettings.for_request(request) if request else None
    page_id = getattr(portal, f"{field}_id", None)
    if not page_id:
        return ""

    def build() -> str:
        page = visible(Page.objects.filter(pk=page_id)).first()
        return page_link(in_reader_language(page))["url"] if page else ""

    return cached(f"chosen-page-url:{page_id}:{translation.get_language()}", build)


@register.simple_tag(takes_context=True)
def help_page_url(context) -> str:
    """The 'Get help now' page's address, from site settings."""
    return _chosen_page_url(context, "help_page")


@register.simple_tag(takes_context=True)
def alert_card_url(context) -> str:
    """The address of the page with the printable alert card, from site settings."""
    return _chosen_page_url(context, "alert_card_page")


@register.simple_tag(takes_context=True)
def clinician_note(context) -> dict[str, str]:
    """What the alert card needs to send a doctor to the clinicians' page: its full address (the
    card is read on paper, away from the site) and a QR code for it. Empty when the settings name
    no such page or it is not public."""
    url = _chosen_page_url(context, "clinician_page")
    if not url:
        return {}
    absolute = context["request"].build_absolute_uri(url)
    return {
        "url": absolute,
        "shown_url": absolute.split("://", 1)[-1],
        "qr_code": qr_code_svg(
            absolute, gettext("QR code: the note for doctors and emergency teams"), sized_by_css=True
        ),
    }


def _origin(request) -> str:
    """The scheme and host a request used: part of the key of any kept part holding full addresses."""
    return f"{request.scheme}://{request.get_host()}" if request else ""


class PageFragmentNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        # The page's own content is the costly part of rendering it: a live page's is rendered
        # once per generation. A preview shows unsaved changes, so it is always fresh.
        # Kept in this worker only: with the page cache on, the whole page is kept in Redis
        # already, and sharing this part too only added two round trips to every page rendered
        # after a publish.
        page, request = context.get("page"), context.get("request")
        if page is None or page.pk is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        # Absolute URLs in it (canonical link, JSON-LD, embed footer) depend on the origin used.
        host = _origin(request)
        key = f"{self.name}:{page.pk}:{'embed' if context.get('embed') else 'page'}:{host}"
        return mark_safe(cached_in_worker(key, lambda: self.nodelist.render(context)))  # noqa: S308 (rendered template output)


@register.tag
def page_fragment(parser, token):
    """{% page_fragment "name" %}…{% end_page_fragment %}: the enclosed part of a page, kept
    under the any-change generation (so never stale) for the page it belongs to."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('Use {% page_fragment "name" %}')
    nodelist = parser.parse(("end_page_fragment",))
    parser.delete_first_token()
    return PageFragmentNode(nodelist, bits[1].strip("\"'"))


class BodyFragmentNode(template.Node):
    def __init__(self, nodelist, depends_on: list[str]):
        self.nodelist, self.depends_on = nodelist, depends_on

    def render(self, context) -> str:
        # A page's own body, with its glossary marks and links, changes with the page's revision
        # or with the site-wide generation (snippets, settings, images, any page's address or live
        # state), not when another page's text is published. Anything else it shows must be
        # named after depends_on, and is part of the key.
        page, request = context.get("page"), context.get("request")
        revision = getattr(page, "live_revision_id", None)
        if revision is None or page.alias_of_id or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        shown = repr([context.get(name) for name in self.depends_on]).encode()
        host = _origin(request)  # the alert card's QR code holds a full address
        key = (
            f"body:{page.pk}:{revision}:{'embed' if context.get('embed') else 'page'}:{host}:"
            f"{hashlib.sha256(shown).hexdigest()[:16]}"
        )
        html = cached(key, lambda: self.nodelist.render(context), scope=record.SITEWIDE_CHANGE)
        return mark_safe(html)  # noqa: S308 (rendered template output)


@register.tag
def body_fragment(parser, token):
    """{% body_fragment [depends_on name …] %}…{% end_body_fragment %}: the page's own body, kept
    across other pages' publishes (see BodyFragmentNode)."""
    bits = token.split_contents()
    if len(bits) > 1 and bits[1] != "depends_on":
        raise template.TemplateSyntaxError("Use {% body_fragment %} or {% body_fragment depends_on name … %}")
    nodelist = parser.parse(("end_body_fragment",))
    parser.delete_first_token()
    return BodyFragmentNode(nodelist, bits[2:])
