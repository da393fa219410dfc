"""The "Content due for review" panel on the admin dashboard."""

from django.urls import reverse
from django.utils import timezone

from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .review_dates import DUE_SOON, OVERDUE, UNREVIEWED, due_soon_days, pages_due_for_review

SHOWN_PER_LIST = 10


class ContentDueForReviewPanel(Component):
    """Live pages never signed off by a clinician, then those overdue or due soon, soonest first."""

    name = "content_due_for_review"
    template_name = "review/content_due_for_review_panel.html"
    order = 120  # near the top: this is the clinic's standing to-do list

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        today = timezone.localdate()
        pages = list(pages_due_for_review(today))
        unreviewed = [page for page in pages if page.review_status == UNREVIEWED]
        overdue = [page for page in pages if page.review_status == OVERDUE]
        due_soon = [page for page in pages if page.review_status == DUE_SOON]
        # People who edit pages go to the editor; clinical reviewers, who edit only pages in
        # review, go to the live page.
        can_edit = policy_registry.get_by_type(Page).user_has_permission(request.user, "change")
        for page in pages:
            page.days_left = (page.review_next_due - today).days if page.review_next_due else 0
            page.review_link = (
                reverse("wagtailadmin_pages:edit", args=(page.pk,)) if can_edit else page.get_url(request)
            )
        return {
            "request": request,
            "unreviewed": unreviewed[:SHOWN_PER_LIST],
            "unreviewed_count": len(unreviewed),
            "overdue": overdue[:SHOWN_PER_LIST],
            "overdue_count": len(overdue),
            "due_soon": due_soon[:SHOWN_PER_LIST],
            "due_soon_count": len(due_soon),
            "due_soon_days": due_soon_days(),
        }
