"""Clinical governance models: the review workflow's two steps, review settings, the plain-words
list, reviewers' job titles and the record of reminders sent."""

import re

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.forms import TaskStateCommentForm
from wagtail.models import AbstractGroupApprovalTask, Page, Site, TaskState

from education.locales import is_translation
from education.models import ArticlePage, ConditionPage, TherapyTypePage

from .roles import ROLE_GROUPS

# Sent as a clinical reviewer signs a version off, before the approval goes on (and may publish).
signing_off = Signal()

REVIEW_MONTHS_VALIDATORS = [MinValueValidator(1), MaxValueValidator(60)]
DEFAULT_SAFETY_PAGE_SLUGS = "side-effects-and-monitoring get-help-now after-treatment"


class RequestChangesForm(TaskStateCommentForm):
    """Sending a page back needs a reason the editor can act on."""

    comment = forms.CharField(
        label="What needs to change?",
        required=True,
        widget=forms.Textarea({"rows": 3}),
    )


class ClinicalReviewTask(AbstractGroupApprovalTask):
    """Clinical sign-off: a member of the chosen groups approves or asks for changes.

    Signing off records the review on the version being approved (last reviewed, reviewed by,
    next review due), so the dates come from the workflow and never from the editor's form.
    """

    def get_actions(self, obj, user):
        if is_translation(obj):
            # A translation is signed off only by a reviewer who reads both languages: the rule
            # itself is kept where content goes live (review/sign_off.py); this spares the others a
            # button that would be refused.
            allowed = user.groups.filter(name=ROLE_GROUPS["translation_reviewer"]).exists()
        else:
            allowed = user.is_superuser or self._user_in_groups(user)
        if allowed:
            return [
                ("reject", "Request changes", True),
                ("approve", "Sign off", False),
                ("approve", "Sign off with comment", True),
            ]
        return []

    def get_form_for_action(self, action):
        if action == "reject":
            return RequestChangesForm
        return super().get_form_for_action(action)

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and task_state.status == TaskState.STATUS_IN_PROGRESS:
            # Before the approval, which may publish: the stamp (review/stamping.py) goes into
            # the version that is published, in the same transaction.
            signing_off.send(sender=type(self), task_state=task_state, user=user)
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return "Members of the chosen groups sign off the clinical content; signing off records the review dates."

    class Meta:
        verbose_name = "clinical sign-off task"
        verbose_name_plural = "clinical sign-off tasks"


class PublishTask(AbstractGroupApprovalTask):
    """The last step: a member of the chosen groups publishes the signed-off version.

    When the site's review settings say that sign-off publishes, this step is skipped and the
    workflow publishes the page as soon as it is signed off.
    """

    def start(self, workflow_state, user=None):
        content = workflow_state.content_object
        if ReviewSettings.for_page(content).approval_publishes:
            task_state = self.get_task_state_class()(workflow_state=workflow_state)
            task_state.status = TaskState.STATUS_SKIPPED
            task_state.revision = content.get_latest_revision()
            task_state.task = self
            task_state.finished_at = timezone.now()
            task_state.comment = "Skipped: the review settings say that sign-off publishes."
            task_state.save()
            return task_state
        return super().start(workflow_state, user=user)

    def get_actions(self, obj, user):
        if user.is_superuser or self._user_in_groups(user):
            return [
                ("reject", "Send back for changes", True),
                ("approve", "Publish", False),
            ]
        return []

    def get_form_for_action(self, action):
        if action == "reject":
            return RequestChangesForm
        return super().get_form_for_action(action)

    @classmethod
    def get_description(cls):
        return "Members of the chosen groups publish the signed-off version, or send it back."

    class Meta:
        verbose_name = "publish task"
        verbose_name_plural = "publish tasks"


@register_setting(icon="calendar-check")
class ReviewSettings(BaseSiteSetting):
    """How often each kind of page is clinically reviewed, and whether sign-off publishes."""

    approval_publishes = models.BooleanField(
        "sign-off publishes",
        default=False,
        help_text=(
            "If ticked, a page is published as soon as a clinical reviewer signs it off. If not, "
            "a publisher publishes it as the last step of the workflow."
        ),
    )
    therapy_type_months = models.PositiveSmallIntegerField(
        "therapy type pages", default=12, validators=REVIEW_MONTHS_VALIDATORS
    )
    safety_page_months = models.PositiveSmallIntegerField(
        "side effects, getting help and after treatment",
        default=12,
        validators=REVIEW_MONTHS_VALIDATORS,
    )
    safety_page_slugs = models.CharField(
        "addresses of those pages",
        max_length=500,
        default=DEFAULT_SAFETY_PAGE_SLUGS,
        help_text="The slugs (last part of the address) of the pages about side effects, getting help and "
        "after treatment, separated by spaces.",
    )
    condition_page_months = models.PositiveSmallIntegerField(
        "condition pages", default=24, validators=REVIEW_MONTHS_VALIDATORS
    )
    article_page_months = models.PositiveSmallIntegerField(
        "other article pages", default=24, validators=REVIEW_MONTHS_VALIDATORS
    )
    other_page_months = models.PositiveSmallIntegerField(
        "home, section, FAQ, glossary and reference pages", default=24, validators=REVIEW_MONTHS_VALIDATORS
    )

    panels = [
        FieldPanel("approval_publishes"),
        MultiFieldPanel(
            [
                FieldPanel("therapy_type_months"),
                FieldPanel("safety_page_months"),
                FieldPanel("safety_page_slugs"),
                FieldPanel("condition_page_months"),
                FieldPanel("article_page_months"),
                FieldPanel("other_page_months"),
            ],
            heading="Months between clinical reviews",
        ),
    ]

    class Meta:
        verbose_name = "review settings"

    @classmethod
    def for_page(cls, page) -> "ReviewSettings":
        """The settings of the page's site; a snippet, shared by every site, follows the default site's."""
        site = page.get_site() if isinstance(page, Page) else Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site else cls()

    @property
    def safety_slugs(self) -> set[str]:
        return {slug for slug in re.split(r"[\s,]+", self.safety_page_slugs) if slug}

    def review_interval_months(self, page: Page) -> int:
        """Months from one clinical review of `page` (or snippet: as the other pages) to the next."""
        if isinstance(page, TherapyTypePage):
            return self.therapy_type_months
        if isinstance(page, Page) and page.slug in self.safety_slugs:
            return self.safety_page_months
        if isinstance(page, ConditionPage):
            return self.condition_page_months
        if isinstance(page, ArticlePage):
            return self.article_page_months
        return self.other_page_months


class PlainWord(models.Model):
    """A long or formal word, with the plainer word the readability panel suggests instead."""

    word = models.CharField(
        max_length=60, unique=True, help_text="The word or phrase to avoid, in lower case, for example 'administer'."
    )
    alternative = models.CharField(max_length=120, help_text="What to write instead, for example 'give'.")

    panels = [FieldPanel("word"), FieldPanel("alternative")]

    class Meta:
        ordering = ["word"]
        verbose_name = "plain word"

    def __str__(self) -> str:
        return f"{self.word} → {self.alternative}"

    def clean(self):
        self.word = " ".join(self.word.lower().split())
        self.alternative = " ".join(self.alternative.split())


class StaffProfile(models.Model):
    """The job title shown after a reviewer's name on the pages they sign off."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    job_title = models.CharField(
        max_length=80, help_text="As patients should read it, for example 'Clinical nurse specialist'."
    )

    panels = [FieldPanel("user"), FieldPanel("job_title")]

    class Meta:
        verbose_name = "staff job title"

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}, {self.job_title}"


class ReviewReminder(models.Model):
    """One reminder e-mail sent about one page; keeps reminders to one a week per page."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [
            # Two overlapping runs of send_review_reminders cannot both claim a page on one day.
            models.UniqueConstraint(fields=["page", "sent_on"], name="one_review_reminder_per_page_per_day")
        ]

    def __str__(self) -> str:
        return f"Reminder for page {self.page_id} on {self.sent_on}"


class UnreviewedPublish(models.Model):
    """A version that went live without clinical sign-off, and why (review/sign_off.py).

    A break-glass publish alerts the clinical reviewers while its version is live; a content load
    is the content files' first publication, which pages show as not yet checked by a clinician.
    """

    BREAK_GLASS = "break_glass"
    CONTENT_LOAD = "content_load"
    KINDS = [(BREAK_GLASS, "Urgent correction (break-glass)"), (CONTENT_LOAD, "Loaded from the content files")]

    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.CASCADE, related_name="+")
    # Empty for a snippet (an FAQ, a glossary term, a reference): its revision says which one.
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=KINDS)
    reason = models.TextField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "publish without clinical sign-off"
        verbose_name_plural = "publishes without clinical sign-off"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: revision {self.revision_id}"
