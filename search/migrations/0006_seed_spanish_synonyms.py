"""Spanish synonyms the portal ships with: words Spanish-speaking patients use for the same thing,
each way round. Editors change them afterwards in the admin; this only adds missing terms."""

from django.db import migrations

PAIRS = [
    ("inmunoterapia", "terapia inmunitaria"),
    ("efectos secundarios", "reacciones adversas"),
    ("célula t", "linfocito t"),
    ("células t", "linfocitos t"),
    ("car-t", "células car t"),
    ("anticuerpo monoclonal", "anticuerpos monoclonales"),
]


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("portal_search", "SearchSynonym")
    for one, other in PAIRS:
        for term, expansion in ((one, other), (other, one)):
            SearchSynonym.objects.get_or_create(language="es", term=term, defaults={"expansion": expansion})


def unseed(apps, schema_editor):
    SearchSynonym = apps.get_model("portal_search", "SearchSynonym")
    terms = {term for pair in PAIRS for term in pair}
    SearchSynonym.objects.filter(language="es", term__in=terms).delete()


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0005_synonyms_per_language")]

    operations = [migrations.RunPython(seed, unseed)]
