"""An admin panel that gives editors the code to embed the page they are editing (the embed views
are integrations/embed.py, reached here by URL name only)."""

from django.urls import reverse

from wagtail.admin.panels import Panel


class EmbedCodePanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "education/embed_code_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["embed_code"] = ""
            if page.pk and page.live:
                site = page.get_site()
                relative = page.url_path[len(site.root_page.url_path) :] if site else ""
                path = reverse("embed", args=[relative]) if relative else reverse("embed_home")
                origin = f"{self.request.scheme}://{self.request.get_host()}"
                context["embed_url"] = origin + path
                context["host_script_url"] = origin + reverse("embed_host_script")
                context["title"] = page.title
            return context
