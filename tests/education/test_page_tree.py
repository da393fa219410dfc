"""Where each page type may live, checked with Wagtail's own assertions."""

from django.conf import settings

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from education.models import (
    ArticlePage,
    ConditionPage,
    FAQIndexPage,
    GlossaryPage,
    HomePage,
    ReferenceIndexPage,
    SectionPage,
    TherapyTypePage,
)
from tests import factories
from tests.factories import default_home


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_sits_at_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage, {SectionPage, ArticlePage, FAQIndexPage, GlossaryPage, ReferenceIndexPage}
        )

    def test_therapy_and_condition_pages_live_in_hubs(self):
        self.assertAllowedParentPageTypes(TherapyTypePage, {SectionPage})
        self.assertAllowedParentPageTypes(ConditionPage, {SectionPage, ConditionPage})
        self.assertCanNotCreateAt(HomePage, TherapyTypePage)
        self.assertCanNotCreateAt(ArticlePage, ArticlePage)

    def test_articles_and_hubs_go_under_home_or_a_hub(self):
        self.assertAllowedParentPageTypes(ArticlePage, {HomePage, SectionPage})
        self.assertAllowedParentPageTypes(SectionPage, {HomePage, SectionPage})
        self.assertAllowedSubpageTypes(SectionPage, {ArticlePage, TherapyTypePage, ConditionPage, SectionPage})

    def test_listing_pages_are_singletons_under_home(self):
        for model in (FAQIndexPage, GlossaryPage, ReferenceIndexPage):
            self.assertAllowedParentPageTypes(model, {HomePage})
            self.assertEqual(model.max_count_per_parent, 1)  # one under each language's home
        # Once the site has one, no second can be made.
        home = default_home()
        for factory in (
            factories.FAQIndexPageFactory,
            factories.GlossaryPageFactory,
            factories.ReferenceIndexPageFactory,
        ):
            factory()
            self.assertFalse(factory._meta.model.can_create_at(home))
        self.assertEqual(HomePage.max_count, len(settings.WAGTAIL_CONTENT_LANGUAGES))

    def test_leaf_pages_have_no_children(self):
        for model in (ArticlePage, TherapyTypePage, FAQIndexPage, GlossaryPage, ReferenceIndexPage):
            self.assertAllowedSubpageTypes(model, set())

    def test_a_broad_condition_is_the_hub_of_narrower_ones(self):
        # Cancer holds melanoma, lung, bladder and blood cancers; nothing else goes under a condition.
        self.assertAllowedSubpageTypes(ConditionPage, {ConditionPage})
        self.assertCanCreateAt(ConditionPage, ConditionPage)
        self.assertCanNotCreateAt(ConditionPage, ArticlePage)
        self.assertCanNotCreateAt(ConditionPage, TherapyTypePage)

    def test_pages_of_each_type_are_routable_and_renderable(self):
        hub = factories.SectionPageFactory()
        for page in [
            default_home(),
            hub,
            factories.ArticlePageFactory(parent=hub),
            factories.TherapyTypePageFactory(parent=hub),
            condition := factories.ConditionPageFactory(parent=hub),
            factories.ConditionPageFactory(parent=condition),
            factories.FAQIndexPageFactory(),
            factories.GlossaryPageFactory(),
            factories.ReferenceIndexPageFactory(),
        ]:
            # Wagtail's assertPageIsRoutable routes page.url from the site's root without taking off
            # the language prefix (/en/), so the address is asked for as a reader asks for it.
            self.assertEqual(self.client.get(page.url).status_code, 200, page.url)
            self.assertPageIsRenderable(page)
