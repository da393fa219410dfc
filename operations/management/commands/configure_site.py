from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Site

from integrations.models import EmbedSettings


class Command(BaseCommand):
    help = (
        "Point the default Wagtail site at the public address in WAGTAILADMIN_BASE_URL, so absolute "
        "links in the API, feeds, sitemaps and emails use it."
    )

    def handle(self, *args, **options):
        address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        if address.scheme not in {"http", "https"} or not address.hostname:
            raise CommandError("WAGTAILADMIN_BASE_URL must be an origin such as https://portal.example.org")
        port = address.port or (443 if address.scheme == "https" else 80)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default site yet: run load_content first.")
        if (site.hostname, site.port) != (address.hostname, port):
            site.hostname, site.port = address.hostname, port
            site.save()
        # Created now rather than by the first embed view, whose save would empty every cache once.
        EmbedSettings.load()
        self.stdout.write(f"Site address: {site.root_url}")
