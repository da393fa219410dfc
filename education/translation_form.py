"""The page edit form, with what a translator says about the English version they worked from."""

from django import forms
from django.conf import settings

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from .locales import is_translation


class PortalPageForm(WagtailAdminPageForm):
    translated_from_current_english = forms.BooleanField(
        required=False,
        label="This translation matches the English page as it is now",
        help_text=(
            "Tick this when you have translated the English page's current published version. Once a "
            "bilingual clinical reviewer signs this version off, the page stops telling readers that a "
            "newer English version exists."
        ),
    )

    def save(self, commit=True):
        page = super().save(commit=False)
        # Only a translation has an English version to be made from, whatever a posted form says.
        if self.cleaned_data.get("translated_from_current_english") and is_translation(page):
            page.translated_from_id = (
                Page.objects.filter(translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE)
                .values_list("live_revision_id", flat=True)
                .first()
            )
        if commit:
            page.save()
            self.save_m2m()
        return page
