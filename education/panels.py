"""Admin panels: the code to embed the page being edited (the embed views are integrations/embed.py,
reached here by URL name only), and a translation's link to the English version it was made from."""

from django.urls import reverse
from django.utils import translation

from wagtail.admin.panels import FieldPanel, Panel

from .locales import is_translation, language_of, path_below_home


class EmbedCodePanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "education/embed_code_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["embed_code"] = ""
            if page.pk and page.live:
                relative = path_below_home(page)
                with translation.override(language_of(page)):  # /es/embed/… for a Spanish page
                    path = reverse("embed", args=[relative]) if relative else reverse("embed_home")
                origin = f"{self.request.scheme}://{self.request.get_host()}"
                context["embed_url"] = origin + path
                context["host_script_url"] = origin + reverse("embed_host_script")
                context["title"] = page.title
            return context


class TranslationSourcePanel(FieldPanel):
    """The box a translator ticks when the translation matches the English page's current version;
    shown on translations only (the form ignores it anywhere else: education/translation_form.py)."""

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            return is_translation(self.instance) and super().is_shown()
