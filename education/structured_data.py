"""JSON-LD for search engines and intranet indexers: MedicalWebPage, BreadcrumbList, FAQPage."""

import json

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from education.locales import language_of
from education.models import ConditionPage, FAQIndexPage, TherapyTypePage

# A JSON string can hold these safely only as escapes, or content could close the script tag.
SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def as_script(data: dict) -> SafeString:
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(SCRIPT_SAFE)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 (escaped above)


def _about(page) -> dict:
    if isinstance(page, TherapyTypePage):
        return {"@type": "MedicalTherapy", "name": page.title}
    if isinstance(page, ConditionPage):
        return {"@type": "MedicalCondition", "name": page.title}
    return {"@type": "Thing", "name": page.title}


def medical_web_page(page, url: str, organisation: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title,
        "description": page.search_description,
        "url": url,
        "inLanguage": language_of(page),
        "about": _about(page),
        "audience": {"@type": "PeopleAudience", "audienceType": "Patients and their families"},
        "publisher": {"@type": "Organization", "name": organisation},
    }
    if getattr(page, "clinically_reviewed", False):
        # A claim of clinical review, only ever made for a clinical reviewer's sign-off.
        data["lastReviewed"] = page.last_reviewed.isoformat()
        data["reviewedBy"] = {"@type": "Organization", "name": page.reviewed_by}
    return data


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def faq_page(faqs) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": strip_tags(faq.answer).strip()},
            }
            for faq in faqs
        ],
    }


def page_structured_data(page, request, organisation: str, ancestors: list[dict]) -> list[dict]:
    """`ancestors` are the breadcrumbs' links (see education_tags.ancestor_links), home first."""
    url = request.build_absolute_uri(page.get_url(request))
    trail = [
        (gettext("Home") if position == 0 else link["title"], request.build_absolute_uri(link["url"]))
        for position, link in enumerate(ancestors)
    ]
    blocks = [medical_web_page(page, url, organisation), breadcrumb_list([*trail, (page.title, url)])]
    if isinstance(page, FAQIndexPage):
        blocks.append(faq_page(faq for topic in page.topics for faq in topic.faqs.all()))
    return blocks
