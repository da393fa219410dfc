"""Nothing reaches patients without clinical sign-off: the rule, kept where content goes live.

A revision of a page, or of a snippet patients read (FAQs, glossary terms, references: the
`ReviewedSnippet`s), may go live when a clinical reviewer approved that very revision in the
"Clinical review" workflow; a translation's, when the reviewer who approved it is one of the
"Bilingual clinical reviewers", who check it against the English version it was made from. The only exceptions are named and recorded (`UnreviewedPublish`):
a superuser's break-glass correction (review/break_glass.py) and the content loader's first
publication of the content files, which pages then show as not yet checked by a clinician.

The rule is enforced on the save that makes a page or snippet live (and on the revision a publish
schedules), so every route meets it: the edit and create views, bulk actions, scheduling,
reverting, copying, aliases, `publish_scheduled`, the workflow's own last step, a shell. The admin
hooks in review/wagtail_hooks.py and the snippet views in review/snippet_views.py refuse the same
things earlier, with a message and the editor's draft kept.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save
from django.utils import timezone

from wagtail.models import Page, Revision, TaskState, get_page_models

from education.loader.loading import loading_content_files
from education.locales import language_of_locale
from education.models.mixins import ReviewDatesMixin
from education.models.snippets import ReviewedSnippet

from .models import ClinicalReviewTask, UnreviewedPublish
from .roles import ROLE_GROUPS

REFUSAL = (
    "This version has not been signed off by a clinical reviewer, so it cannot go live. "
    "Submit it to Clinical review; it goes live once a reviewer signs it off."
)

# An alias shows its source's live version at a second address: only a signed-off one may spread.
ALIAS_REFUSAL = "An alias shows this page's live version, which has not been signed off by a clinical reviewer."

OWN_VERSION_REFUSAL = "A page goes live only with a version of its own that a clinical reviewer signed off."


class SignOffRequired(PermissionDenied):
    """A revision without clinical sign-off was about to go live."""

    def __init__(self, message: str = REFUSAL):
        super().__init__(message)


@dataclass(frozen=True)
class Permit:
    kind: str  # one of UnreviewedPublish.KINDS
    reason: str
    user: object = None


_permit: contextvars.ContextVar[Permit | None] = contextvars.ContextVar("unreviewed_publish_permit", default=None)


@contextlib.contextmanager
def publishing_without_sign_off(kind: str, reason: str, user=None):
    """Within this block, what goes live without sign-off is allowed and recorded as `kind`."""
    token = _permit.set(Permit(kind, reason, user))
    try:
        yield
    finally:
        _permit.reset(token)


def permitted_without_sign_off() -> bool:
    """Whether a permit (a content load, an urgent correction) is in force here."""
    return _current_permit() is not None


def _current_permit() -> Permit | None:
    permit = _permit.get()
    if permit is None and loading_content_files():
        permit = Permit(UnreviewedPublish.CONTENT_LOAD, "Loaded from the content files")
    return permit


def is_signed_off(revision_id: int | None) -> bool:
    """Whether a clinical reviewer approved this very revision (a bilingual one, for a translation)."""
    if revision_id is None:
        return False
    approvals = list(
        TaskState.objects.filter(
            revision_id=revision_id,
            status=TaskState.STATUS_APPROVED,
            task_id__in=ClinicalReviewTask.objects.values("pk"),
        ).values_list("finished_by_id", "revision__content__locale")
    )
    if not approvals:
        return False
    locale_id = approvals[0][1]
    if locale_id is None or language_of_locale(locale_id) == settings.LANGUAGE_CODE:
        return True
    return signs_off_translations(approver for approver, _locale in approvals)


def signs_off_translations(user_ids) -> bool:
    """Whether any of these users is a bilingual clinical reviewer."""
    return (
        get_user_model()
        .objects.filter(pk__in=[pk for pk in user_ids if pk], groups__name=ROLE_GROUPS["translation_reviewer"])
        .exists()
    )


def may_go_live(revision: Revision) -> bool:
    """Whether this revision may go live now (asks; records nothing)."""
    return _allowed(revision)[0]


def _allowed(revision: Revision) -> tuple[bool, Permit | None]:
    """Signed off, or let through without sign-off by a permit now (returned, to be recorded) or
    when it was scheduled."""
    if is_signed_off(revision.pk):
        return True, None
    if revision.approved_go_live_at is not None and UnreviewedPublish.objects.filter(revision=revision).exists():
        # Scheduled under a permit: it goes live when its time comes, in whatever process runs
        # `publish_scheduled`. An old version let through once is not let through again.
        return True, None
    permit = _current_permit()
    if permit is None:
        return False, None
    if permit.kind == UnreviewedPublish.CONTENT_LOAD and _replaces_signed_off_content(revision):
        return False, None  # a content file never replaces what a clinician signed off
    return True, permit


def _let_through(revision: Revision) -> bool:
    allowed, permit = _allowed(revision)
    if permit is not None:
        is_page = revision.base_content_type_id == ContentType.objects.get_for_model(Page).pk
        UnreviewedPublish.objects.create(
            revision=revision,
            page_id=revision.object_id if is_page else None,
            kind=permit.kind,
            reason=permit.reason,
            user=permit.user,
        )
    return allowed


def live_version_signed_off(page_id, model=Page) -> bool:
    """Whether what readers see of this page (or snippet of `model`) now is a version a clinical
    reviewer approved."""
    return is_signed_off(model.objects.filter(pk=page_id).values_list("live_revision_id", flat=True).first())


def _replaces_signed_off_content(revision: Revision) -> bool:
    model = revision.base_content_type.model_class()
    return live_version_signed_off(revision.object_id, model)


def _goes_live_now(instance) -> bool:
    """Whether this save makes a revision live that was not live before."""
    if not instance.live:
        return False
    if instance.pk is None:
        return True
    model = Page if isinstance(instance, Page) else type(instance)
    before = model.objects.filter(pk=instance.pk).values_list("live", "live_revision_id").first()
    return before != (True, instance.live_revision_id)


def refuse_unreviewed_content(sender, instance, raw=False, update_fields=None, **kwargs):
    if update_fields is not None and not {"live", "live_revision"} & set(update_fields):
        # A save of other columns (a draft's bookkeeping) leaves what is live as it is, whatever
        # this in-memory copy says (one rebuilt from an old revision says what was live then).
        return
    if raw or not _goes_live_now(instance):
        return
    if getattr(instance, "alias_of_id", None):
        if not live_version_signed_off(instance.alias_of_id) and _current_permit() is None:
            raise SignOffRequired(ALIAS_REFUSAL)
        return
    revision = instance.live_revision
    if revision is None or str(revision.object_id) != str(instance.pk):
        # No version of its own (a page or snippet saved live directly, or a copy still pointing
        # at its source's version): only a permit lets that through, and there is no version to record.
        if _current_permit() is None:
            raise SignOffRequired(OWN_VERSION_REFUSAL)
        signed_off = False
    else:
        signed_off = is_signed_off(revision.pk)
        if not signed_off and not _let_through(revision):
            raise SignOffRequired()
    if isinstance(instance, ReviewDatesMixin) and not signed_off:
        # What a page or snippet claims about its review follows sign-off: a version that had none claims none,
        # whatever an earlier reviewer's stamp in the form said.
        instance.last_reviewed, instance.reviewed_by = None, ""
        instance.next_review_due = timezone.localdate()  # due now


def refuse_unreviewed_schedules(sender, instance, raw=False, **kwargs):
    # Wagtail schedules a publish by marking the revision (approved_go_live_at); the page itself
    # is saved only when `publish_scheduled` makes it live, perhaps in another process.
    if raw or instance.approved_go_live_at is None:
        return
    reviewed = {ContentType.objects.get_for_model(model).pk for model in (Page, *reviewed_snippet_models())}
    if instance.base_content_type_id in reviewed and not _let_through(instance):
        raise SignOffRequired()


def reviewed_snippet_models() -> list[type]:
    return [model for model in apps.get_models() if issubclass(model, ReviewedSnippet)]


def connect() -> None:
    for model in {Page, *get_page_models(), *reviewed_snippet_models()}:
        pre_save.connect(refuse_unreviewed_content, sender=model, dispatch_uid=f"review.sign_off.{model._meta.label}")
    pre_save.connect(refuse_unreviewed_schedules, sender=Revision, dispatch_uid="review.sign_off.schedules")
