"""A clinic editor can create and edit every page type and snippet through the Wagtail admin."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from education.models import (
    FAQ,
    ArticlePage,
    ConditionPage,
    FAQTopic,
    GlossaryTerm,
    Reference,
    SectionPage,
    TherapyTypePage,
)
from tests import factories
from tests.conftest import page_at


def common_fields(title: str, slug: str) -> dict:
    return {
        "title": title,
        "slug": slug,
        "search_description": f"A short summary of {title.lower()}.",
        "body": streamfield(
            [
                ("heading", {"text": "What is it?", "level": "2"}),
                ("text", rich_text("<p>Plain words about it.</p>")),
                (
                    "urgent",
                    {
                        "level": "same_day",
                        "heading": "Call your team today",
                        "text": rich_text("<p>If you have a fever.</p>"),
                    },
                ),
                ("key_points", {"heading": "Key points", "points": streamfield([("item", "Results vary")])}),
            ]
        ),
        "references": streamfield([]),
        "related_pages": streamfield([]),
    }


class AdminEditingTests(WagtailPageTestCase):
    def setUp(self):
        self.user = get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-password-1")
        self.client.force_login(self.user)

    def test_can_create_an_article_under_home(self):
        self.assertCanCreate(
            page_at("/"), ArticlePage, nested_form_data(common_fields("Eating well with widgets", "widget-eating-well"))
        )
        page = page_at("/en/widget-eating-well/")
        self.assertEqual(page.body[0].block_type, "heading")

    def test_can_create_a_section_hub(self):
        self.assertCanCreate(page_at("/"), SectionPage, nested_form_data(common_fields("Living with it", "living")))

    def test_can_create_a_condition_page(self):
        data = common_fields("Kidney cancer", "kidney-cancer")
        data["condition_group"] = "cancer"
        data["clinical_codes"] = streamfield([("code", {"system": "icd10cm", "code": "C64", "display": "Kidney"})])
        self.assertCanCreate(factories.SectionPageFactory(), ConditionPage, nested_form_data(data))

    def test_can_create_a_therapy_type_page_linked_to_conditions(self):
        cancer = factories.ConditionPageFactory(parent=factories.SectionPageFactory(), title="Widget disease")
        data = common_fields("Oncolytic viruses", "oncolytic-viruses")
        data.update(
            {
                "how_it_works": rich_text("<p>A changed virus infects cancer cells.</p>"),
                "how_it_works_figure": streamfield([]),
                "how_given": rich_text("<p>An injection into the tumour.</p>"),
                "common_side_effects": rich_text("<p>Flu-like feelings.</p>"),
                "serious_side_effects": streamfield(
                    [
                        (
                            "urgent",
                            {"level": "emergency", "heading": "Call now", "text": rich_text("<p>If you faint.</p>")},
                        )
                    ]
                ),
                "questions": streamfield([("question", "Is this part of a trial?")]),
                "clinical_codes": streamfield([]),
                "medicines": streamfield(
                    [("medicine", {"generic_name": "talimogene laherparepvec", "brand_name": "Imlygic", "note": ""})]
                ),
            }
        )
        form_data = nested_form_data(data)
        # A multiple choice is one key with several values, which nested_form_data would split.
        form_data["used_for"] = [cancer.pk]
        hub = factories.SectionPageFactory(title="Widget types")
        self.assertCanCreate(hub, TherapyTypePage, form_data)
        new_page = page_at("/en/widget-types/oncolytic-viruses/")
        self.assertIn(new_page, cancer.therapy_types.all())
        response = self.client.get(cancer.url)
        self.assertContains(response, 'href="/en/widget-types/oncolytic-viruses/"')

    def test_summary_is_required(self):
        data = common_fields("No summary", "no-summary")
        data["search_description"] = ""
        url = reverse("wagtailadmin_pages:add", args=("education", "articlepage", page_at("/").pk))
        response = self.client.post(url, nested_form_data(data))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Write a short summary of the page.")
        self.assertFalse(Page.objects.filter(slug="no-summary").exists())

    def test_phone_numbers_typed_into_an_urgent_callout_are_refused(self):
        data = common_fields("Phone typed", "phone-typed")
        data["body"] = streamfield(
            [("urgent", {"level": "same_day", "heading": "Call", "text": rich_text("<p>Ring 0161 555 0199 now.</p>")})]
        )
        url = reverse("wagtailadmin_pages:add", args=("education", "articlepage", page_at("/").pk))
        response = self.client.post(url, nested_form_data(data))
        self.assertContains(response, "Do not type phone numbers here")
        self.assertFalse(Page.objects.filter(slug="phone-typed").exists())

    def test_every_loaded_page_opens_in_the_editor(self):
        for page in Page.objects.filter(depth__gt=1).live():
            response = self.client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
            self.assertEqual(response.status_code, 200, page.url_path)

    def test_editor_can_save_a_draft_preview_and_publish(self):
        page = factories.ArticlePageFactory(title="Widget basics")
        url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
        draft = {
            "title": "Widget basics (draft)",
            "slug": page.slug,
            "search_description": page.search_description,
            "body": streamfield([("text", rich_text("<p>A new draft paragraph.</p>"))]),
            "references": streamfield([]),
            "related_pages": streamfield([]),
            "last_reviewed": "",
            "next_review_due": "",
            "reviewed_by": "",
        }
        response = self.client.post(url, nested_form_data(draft))
        self.assertEqual(response.status_code, 302)
        page.refresh_from_db()
        self.assertTrue(page.has_unpublished_changes)
        # The public page still shows the published version.
        self.assertNotContains(self.client.get(page.url), "A new draft paragraph.")
        preview = self.client.post(
            reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,)), nested_form_data(draft)
        )
        self.assertEqual(preview.json(), {"is_valid": True, "is_available": True})
        self.assertContains(
            self.client.get(reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))), "A new draft paragraph."
        )
        response = self.client.post(url, nested_form_data({**draft, "action-publish": "publish"}))
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(page.url), "A new draft paragraph.")

    def test_revisions_are_listed_and_an_old_one_can_be_restored(self):
        page = factories.ArticlePageFactory(title="How widgets work")
        original_title = page.title
        first_revision = page.latest_revision
        page.title = "Changed title"
        page.save_revision().publish()
        history = self.client.get(reverse("wagtailadmin_pages:history", args=(page.pk,)))
        self.assertEqual(history.status_code, 200)
        revert = self.client.get(reverse("wagtailadmin_pages:revisions_revert", args=(page.pk, first_revision.pk)))
        self.assertEqual(revert.status_code, 200)
        self.assertContains(revert, original_title)
        restored = first_revision.as_object()
        restored.save_revision().publish()
        self.assertContains(self.client.get(page.url), original_title)


class SnippetEditingTests(WagtailPageTestCase):
    def setUp(self):
        self.user = get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-password-1")
        self.client.force_login(self.user)

    def add(self, model, data):
        # Published at once under the content team's leave these tests run with (tests/conftest.py);
        # the clinical sign-off route is tested in tests/review/test_snippet_sign_off.py.
        url = reverse(model.snippet_viewset.get_url_name("add"))
        return self.client.post(url, {**data, "action-publish": "1"})

    def test_every_snippet_listing_opens(self):
        for model in (FAQ, FAQTopic, GlossaryTerm, Reference):
            response = self.client.get(reverse(model.snippet_viewset.get_url_name("list")))
            self.assertEqual(response.status_code, 200, model.__name__)

    def test_create_glossary_term(self):
        response = self.add(
            GlossaryTerm,
            {
                "term": "Widget comfort care",
                "slug": "widget-comfort-care",
                "also_known_as": "",
                "definition": "Care that eases symptoms.",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(factories.GlossaryPageFactory().url), "Widget comfort care")

    def test_create_reference_rejects_doi_written_as_url(self):
        response = self.add(
            Reference,
            {
                "key": "TEST2024",
                "title": "A title",
                "publisher": "A journal",
                "doi": "https://doi.org/10.1/x",
                "pmid": "abc",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the DOI alone")
        self.assertFalse(Reference.objects.filter(key="TEST2024").exists())

    def test_create_faq_shows_on_faq_page(self):
        topic = factories.FAQTopicFactory()
        response = self.add(
            FAQ,
            {
                "key": "widget-swimming",
                "topic": topic.pk,
                "question": "Can I swim during widget treatment?",
                "answer": rich_text("<p>Ask your team.</p>"),
                "sort_order": 99,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(factories.FAQIndexPageFactory().url), "Can I swim during widget treatment?")

    def test_site_settings_edit_updates_every_page(self):
        from education.models import PortalSettings

        site = page_at("/").get_site()
        url = reverse("wagtailsettings:edit", args=("education", "portalsettings", site.pk))
        self.assertEqual(self.client.get(url).status_code, 200)
        settings = PortalSettings.for_site(site)
        response = self.client.post(
            url,
            {
                "organisation_name": "St Elsewhere Cancer Centre",
                "care_team_contact_text": settings.care_team_contact_text,
                "care_team_phone": "0800 123 4567",
                "emergency_number": "112",
                "standard_note": settings.standard_note,
                "help_page": settings.help_page_id,
            },
        )
        self.assertEqual(response.status_code, 302)
        hub = factories.SectionPageFactory()
        for path in ["/en/", hub.url, factories.TherapyTypePageFactory(parent=hub).url, settings.help_page.url]:
            html = self.client.get(path).content.decode()
            self.assertIn("St Elsewhere Cancer Centre", html)
            self.assertIn('href="tel:112"', html)
