"""The two content languages. A site made before Spanish arrived has its one locale under the code
its LANGUAGE_CODE then had (en-gb); its pages become the English tree, now addressed as /en/."""

from django.db import migrations

ENGLISH = "en"
SPANISH = "es"


def english_and_spanish(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    if not Locale.objects.filter(language_code=ENGLISH).exists():
        earlier = Locale.objects.filter(language_code__startswith="en").order_by("pk").first()
        if earlier:
            earlier.language_code = ENGLISH
            earlier.save(update_fields=["language_code"])
        else:
            Locale.objects.create(language_code=ENGLISH)
    Locale.objects.get_or_create(language_code=SPANISH)


def back_to_one_language(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.filter(language_code=SPANISH, pages__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0009_therapy_diagram_under_how_it_works"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    operations = [migrations.RunPython(english_and_spanish, back_to_one_language)]
