"""Existing questions, topics and glossary terms are English: each gets the default locale and a
translation key of its own (Wagtail's bootstrap operation)."""

from django.db import migrations

from wagtail.models import BootstrapTranslatableModel


class Migration(migrations.Migration):
    dependencies = [("education", "0011_translatable_snippets_bootstrap")]

    operations = [
        BootstrapTranslatableModel("education.FAQ"),
        BootstrapTranslatableModel("education.FAQTopic"),
        BootstrapTranslatableModel("education.GlossaryTerm"),
    ]
