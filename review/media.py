"""Pictures and documents on live content change only through a reviewed version.

An image or document that a live page or snippet shows is part of what a clinician signed off, so
its file is not replaced in place (which would change every page using it at once, with no
review). The editor uploads the new file as a new image or document and puts it on the page's
draft, which then goes through clinical review. Titles, tags and collections may still change.

Kept on the save (review/sign_off.py's permits apply) and said earlier by the edit forms, which
Wagtail builds on the form bases named in the settings.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save

from wagtail.documents import get_document_model
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images import get_image_model
from wagtail.images.forms import BaseImageForm
from wagtail.models import Page, ReferenceIndex

from education.models.snippets import ReviewedSnippet

from .sign_off import SignOffRequired, permitted_without_sign_off

REPLACE_REFUSAL = (
    "This file is shown on live content that patients read, so it cannot be replaced here without "
    "clinical review. Upload the new file as a new {kind}, put it on the page's draft and submit that "
    "for review."
)


def shown_on_live_content(obj) -> bool:
    """Whether a live page, or a live FAQ, glossary term or reference, uses `obj`."""
    ids_by_type = defaultdict(set)
    for content_type_id, object_id in ReferenceIndex.get_references_to(obj).values_list(
        "base_content_type_id", "object_id"
    ):
        ids_by_type[content_type_id].add(object_id)
    for content_type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        shown_to_readers = model is Page or (model is not None and issubclass(model, ReviewedSnippet))
        if shown_to_readers and model.objects.filter(pk__in=ids, live=True).exists():
            return True
    return False


def _file_replaced(instance) -> bool:
    if instance.pk is None:
        return False
    stored = type(instance).objects.filter(pk=instance.pk).values_list("file", flat=True).first()
    return stored is not None and stored != instance.file.name


def refuse_replacing_files_in_use(sender, instance, raw=False, **kwargs):
    if raw or permitted_without_sign_off() or not _file_replaced(instance):
        return
    if shown_on_live_content(instance):
        raise SignOffRequired(REPLACE_REFUSAL.format(kind=instance._meta.verbose_name))


class _RefuseReplacedFileInUse:
    def clean(self):
        cleaned_data = super().clean()
        if (
            self.instance.pk
            and "file" in self.changed_data
            and not permitted_without_sign_off()
            and shown_on_live_content(self.instance)
        ):
            self.add_error("file", REPLACE_REFUSAL.format(kind=self.instance._meta.verbose_name))
        return cleaned_data


class ImageForm(_RefuseReplacedFileInUse, BaseImageForm):
    pass


class DocumentForm(_RefuseReplacedFileInUse, BaseDocumentForm):
    pass


def connect() -> None:
    for model in (get_image_model(), get_document_model()):
        pre_save.connect(refuse_replacing_files_in_use, sender=model, dispatch_uid=f"review.media.{model._meta.label}")
