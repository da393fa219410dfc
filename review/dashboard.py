"""The "Content due for review" panel on the admin dashboard."""

from django.urls import reverse
from django.utils import timezone

from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .review_dates import OVERDUE, due_soon_days, pages_due_for_review

SHOWN_PER_LIST = 10


class ContentDueForReviewPanel(Component):
    """Live pages whose clinical review is overdue or due soon, soonest first."""

    name = "content_due_for_review"
    template_name = "review/content_due_for_review_panel.html"
    order = 120  # near the top: this is the clinic's standing to-do list

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        today = timezone.localdate()
        pages = list(pages_due_for_review(today))
        overdue = [page for page in pages if page.review_status == OVERDUE]
        due_soon = [page for page in pages if page.review_status != OVERDUE]
        # People who edit pages go to the editor; clinical reviewers, who edit only pages in
        # review, go to the live page.
        can_edit = policy_registry.get_by_type(Page).user_has_permission(request.user, "change")
        for page in pages:
            page.days_left = (page.review_next_due - today).days
            page.review_link = (
                reverse("wagtailadmin_pages:edit", args=(page.pk,)) if can_edit else page.get_url(request)
            )
        return {
            "request": request,
            "overdue": overdue[:SHOWN_PER_LIST],
            "overdue_count": len(overdue),
            "due_soon": due_soon[:SHOWN_PER_LIST],
            "due_soon_count": len(due_soon),
            "due_soon_days": due_soon_days(),
        }
