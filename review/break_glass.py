"""Break-glass: a superuser publishes an urgent correction before sign-off, and says why.

Pages and the snippets patients read (FAQs, glossary terms, references) alike. The publish is
recorded (`UnreviewedPublish`), e-mailed to the clinical reviewers, and shown on every admin
dashboard until a signed-off version replaces it.
"""

import logging

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from .models import UnreviewedPublish
from .reminders import admin_edit_url
from .roles import ROLE_GROUPS
from .sign_off import is_signed_off, publishing_without_sign_off, reviewed_snippet_models

logger = logging.getLogger(__name__)


class UrgentCorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why can this not wait for clinical sign-off?",
        min_length=20,
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
        help_text="The clinical reviewers receive this by e-mail, and it stays in the publishing record.",
    )


def _title(obj) -> str:
    return obj.get_admin_display_title() if isinstance(obj, Page) else str(obj)


def urgent_correction(request, page_id: int):
    if not request.user.is_superuser:
        raise PermissionDenied
    return _publish_urgently(request, get_object_or_404(Page, pk=page_id).specific)


def urgent_snippet_correction(request, model_name: str, pk: int):
    if not request.user.is_superuser:
        raise PermissionDenied
    model = next((model for model in reviewed_snippet_models() if model._meta.model_name == model_name), None)
    if model is None:
        raise Http404
    return _publish_urgently(request, get_object_or_404(model, pk=pk))


def _publish_urgently(request, obj):
    revision = obj.get_latest_revision()
    edit_url = AdminURLFinder(request.user).get_edit_url(obj)
    if revision is None or is_signed_off(revision.pk):
        messages.warning(
            request, "This version is signed off already: publish it through the Clinical review workflow."
        )
        return redirect(edit_url)
    form = UrgentCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        with transaction.atomic(), publishing_without_sign_off(UnreviewedPublish.BREAK_GLASS, reason, request.user):
            revision.publish(user=request.user)
        _alert_reviewers(obj, request.user, reason)  # after the publish has committed
        messages.success(
            request,
            f"'{_title(obj)}' is live without clinical sign-off. The clinical reviewers have "
            "been told; submit it to Clinical review so that they can sign it off.",
        )
        return redirect(edit_url)
    context = {"title": _title(obj), "edit_url": edit_url, "revision": revision, "form": form}
    return TemplateResponse(request, "review/urgent_correction.html", context)


def _alert_reviewers(obj, user, reason: str) -> None:
    reviewers = get_user_model().objects.filter(groups__name=ROLE_GROUPS["reviewer"], is_active=True)
    recipients = sorted({email.lower() for email in reviewers.exclude(email="").values_list("email", flat=True)})
    if not recipients:
        logger.warning(
            "Urgent correction of %s %s: no clinical reviewer has an e-mail address", obj._meta.label, obj.pk
        )
        return
    who = user.get_full_name() or user.get_username()
    title = _title(obj)
    send_mail(
        subject=f"Published without clinical sign-off: {title}",
        message=(
            f"{who} published an urgent correction to '{title}' before clinical sign-off.\n\n"
            f"Their reason: {reason}\n\n"
            f"Patients see this version now. Please review it and sign it off, or ask for changes:\n{admin_edit_url(obj)}\n"
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=True,  # the dashboard keeps showing it whatever the mail server does
    )


def live_without_sign_off() -> list[UnreviewedPublish]:
    """Break-glass publishes whose version is still what patients see, oldest first, each with the
    page or snippet it is about as `content`."""
    urgent = UnreviewedPublish.objects.filter(kind=UnreviewedPublish.BREAK_GLASS).select_related("user")
    found = list(urgent.filter(page__live_revision_id=F("revision_id")).select_related("page"))
    for correction in found:
        correction.content = correction.page
    snippet_corrections = {correction.revision_id: correction for correction in urgent.filter(page__isnull=True)}
    for model in reviewed_snippet_models():
        for obj in model.objects.filter(live_revision_id__in=snippet_corrections):
            correction = snippet_corrections[obj.live_revision_id]
            correction.content = obj
            found.append(correction)
    return sorted(found, key=lambda correction: correction.created_at)


class UnreviewedCorrectionsPanel(Component):
    """At the top of every dashboard until each urgent correction has a signed-off successor."""

    name = "unreviewed_corrections"
    template_name = "review/unreviewed_corrections_panel.html"
    order = 10

    def render_html(self, parent_context=None):
        self.corrections = live_without_sign_off()  # a new panel for each dashboard request
        return super().render_html(parent_context) if self.corrections else ""

    def get_context_data(self, parent_context):
        finder = AdminURLFinder()
        for correction in self.corrections:
            correction.edit_url = finder.get_edit_url(correction.content)
            correction.title = _title(correction.content)
        return {"corrections": self.corrections}
