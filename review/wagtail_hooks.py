"""Admin wiring for clinical review: dashboard panel, reports, page-listing marks, the content
checker's extra rules, the audit-log action for sign-offs and the review snippets."""

from django.shortcuts import redirect
from django.urls import include, path, resolve, reverse
from django.utils.dateformat import format as format_date

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.admin.widgets import ListingButton
from wagtail.log_actions import LogFormatter
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from education.models.snippets import ReviewedSnippet

from . import sign_off
from .break_glass import UnreviewedCorrectionsPanel, urgent_correction, urgent_snippet_correction
from .content_checker import PortalContentChecker
from .dashboard import ContentDueForReviewPanel
from .models import PlainWord, StaffProfile
from .publishing_record import PublishingRecordView
from .reports import BrokenLinksReportView, ReadabilityReportView, ReviewDatesReportView
from .review_dates import DUE_SOON, OVERDUE, UNREVIEWED, annotate_review_dates
from .stale_translations import StaleTranslationsReportView
from .stamping import STAMP_LOG_ACTION


class PlainWordViewSet(SnippetViewSet):
    model = PlainWord
    icon = "openquote"
    menu_label = "Plain words"
    list_display = ["word", "alternative"]
    search_fields = ["word", "alternative"]
    ordering = ["word"]


class StaffProfileViewSet(SnippetViewSet):
    model = StaffProfile
    icon = "user"
    menu_label = "Staff job titles"
    list_display = ["user", "job_title"]
    search_fields = ["job_title", "user__first_name", "user__last_name", "user__username"]


class ClinicalReviewGroup(SnippetViewSetGroup):
    menu_label = "Clinical review"
    menu_icon = "tasks"
    menu_order = 260
    items = (PlainWordViewSet, StaffProfileViewSet)


register_snippet(ClinicalReviewGroup)


@hooks.register("construct_homepage_panels")
def add_content_due_for_review_panel(request, panels):
    panels.append(UnreviewedCorrectionsPanel())
    panels.append(ContentDueForReviewPanel())


@hooks.register("register_admin_urls")
def register_review_report_urls():
    urls = [
        path("review-dates/", ReviewDatesReportView.as_view(), name="review_dates"),
        path("review-dates/results/", ReviewDatesReportView.as_view(results_only=True), name="review_dates_results"),
        path("readability/", ReadabilityReportView.as_view(), name="readability"),
        path("readability/results/", ReadabilityReportView.as_view(results_only=True), name="readability_results"),
        path("broken-links/", BrokenLinksReportView.as_view(), name="broken_links"),
        path("broken-links/results/", BrokenLinksReportView.as_view(results_only=True), name="broken_links_results"),
        path("stale-translations/", StaleTranslationsReportView.as_view(), name="stale_translations"),
        path(
            "stale-translations/results/",
            StaleTranslationsReportView.as_view(results_only=True),
            name="stale_translations_results",
        ),
        path("urgent-correction/<int:page_id>/", urgent_correction, name="urgent_correction"),
        path(
            "urgent-correction/<str:model_name>/<int:pk>/",
            urgent_snippet_correction,
            name="urgent_snippet_correction",
        ),
        path("publishing-record/", PublishingRecordView.as_view(), name="publishing_record"),
        path(
            "publishing-record/results/",
            PublishingRecordView.as_view(results_only=True),
            name="publishing_record_results",
        ),
    ]
    return [path("reports/clinical-review/", include((urls, "review"), namespace="review"))]


@hooks.register("register_reports_menu_item")
def review_dates_menu_item():
    return MenuItem(
        "Review dates", reverse("review:review_dates"), name="review-dates", icon_name="calendar-check", order=150
    )


@hooks.register("register_reports_menu_item")
def publishing_record_menu_item():
    return MenuItem(
        "Publishing record",
        reverse("review:publishing_record"),
        name="publishing-record",
        icon_name="history",
        order=155,
    )


@hooks.register("register_reports_menu_item")
def readability_menu_item():
    return MenuItem("Readability", reverse("review:readability"), name="readability", icon_name="glasses", order=160)


@hooks.register("register_reports_menu_item")
def stale_translations_menu_item():
    return MenuItem(
        "Translations to update",
        reverse("review:stale_translations"),
        name="stale-translations",
        icon_name="globe",
        order=165,
    )


@hooks.register("register_reports_menu_item")
def broken_links_menu_item():
    return MenuItem(
        "Links to unpublished pages", reverse("review:broken_links"), name="broken-links", icon_name="link", order=170
    )


@hooks.register("construct_explorer_page_queryset")
def annotate_explorer_with_review_dates(parent_page, pages, request):
    # One join per page type in the listing's own query, so marking rows costs no extra queries.
    return annotate_review_dates(pages)


@hooks.register("register_page_listing_buttons")
def review_due_marker(page, user, next_url=None):
    status = getattr(page, "review_status", None)
    if status not in (UNREVIEWED, OVERDUE, DUE_SOON):
        return
    if status == UNREVIEWED:
        label = "Not signed off by a clinician"
    else:
        due = format_date(page.review_next_due, "j M Y")
        label = f"Review overdue (due {due})" if status == OVERDUE else f"Review due {due}"
    yield ListingButton(
        label,
        url=reverse("review:review_dates") + f"?review_status={status}",
        icon_name="time" if status == DUE_SOON else "warning",
        classname="portal-review-due",
        attrs={"data-review-status": status},
        priority=5,
    )


@hooks.register("construct_page_action_menu")
def publish_through_the_workflow(menu_items, request, context):
    # A page goes live through the Clinical review workflow's own last step, after sign-off; the
    # edit form's plain "Publish" would publish a version nobody signed off (and is refused:
    # refuse_unreviewed_publish below, and review/sign_off.py wherever else a page goes live).
    menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


def _may_go_live(revision) -> bool:
    # A page with no revision at all has nothing a reviewer could have signed off.
    return revision is not None and sign_off.may_go_live(revision)


@hooks.register("before_publish_page")
def refuse_unreviewed_publish(request, page):
    # The edit and create views have saved the editor's version as a draft by now: it is kept.
    if _may_go_live(page.get_latest_revision()):
        return None
    buttons = []
    if request.user.is_superuser:
        buttons.append(messages.button(reverse("review:urgent_correction", args=(page.pk,)), "Urgent correction"))
    messages.error(request, f"Not published. {sign_off.REFUSAL} Your changes are saved as a draft.", buttons=buttons)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_create_page")
def create_as_a_draft(request, parent_page, page_class):
    # Wagtail's create view saves a page it is about to publish as live before any publish hook
    # runs, which the sign-off rule refuses: a new page is saved as a draft instead, never lost.
    if request.method == "POST" and request.POST.get("action-publish") and not sign_off.permitted_without_sign_off():
        request.POST = request.POST.copy()
        del request.POST["action-publish"]
        messages.warning(request, f"Saved as a draft, not published. {sign_off.REFUSAL}")
    return None


def _publish_refused(request, model) -> bool:
    return (
        issubclass(model, ReviewedSnippet)
        and request.method == "POST"
        and bool(request.POST.get("action-publish"))
        and not sign_off.permitted_without_sign_off()
    )


def _again_as_a_draft(request, instance=None):
    # The snippet views read their action before any hook runs, and a refused publish inside
    # their save would roll the editor's changes back: so the same view runs again for the
    # same request without its publish action, which saves the changes as a draft.
    request.POST = request.POST.copy()
    del request.POST["action-publish"]
    buttons = []
    if instance is not None and request.user.is_superuser:
        url = reverse("review:urgent_snippet_correction", args=(instance._meta.model_name, instance.pk))
        buttons.append(messages.button(url, "Urgent correction"))
    messages.warning(request, f"Saved as a draft, not published. {sign_off.REFUSAL}", buttons=buttons)
    match = resolve(request.path_info)
    return match.func(request, *match.args, **match.kwargs)


@hooks.register("before_create_snippet")
def create_snippet_as_a_draft(request, model):
    return _again_as_a_draft(request) if _publish_refused(request, model) else None


@hooks.register("before_edit_snippet")
def edit_snippet_as_a_draft(request, instance):
    # A publish from the edit form (or from a revision being reverted to) is always a new version,
    # which no reviewer has seen: it goes live only through the Clinical review workflow.
    return _again_as_a_draft(request, instance) if _publish_refused(request, type(instance)) else None


@hooks.register("construct_snippet_action_menu")
def publish_snippets_through_the_workflow(menu_items, request, context):
    model = context.get("model")
    if model is not None and issubclass(model, ReviewedSnippet):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("before_bulk_action")
def refuse_unreviewed_bulk_publish(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    pages = [page for page in objects if isinstance(page, Page)]
    if action_class_instance.cleaned_form.cleaned_data.get("include_descendants"):
        # The descendants Wagtail's bulk publish goes on to publish: those not live.
        for page in list(pages):
            pages.extend(page.get_descendants().not_live())
    unreviewed = [page for page in pages if not _may_go_live(page.get_latest_revision())]
    if not unreviewed:
        return None
    titles = ", ".join(f"'{page.get_admin_display_title()}'" for page in unreviewed[:5])
    more = f" and {len(unreviewed) - 5} more" if len(unreviewed) > 5 else ""
    messages.error(request, f"Nothing was published: {titles}{more} not signed off by a clinical reviewer.")
    return redirect(action_class_instance.next_url)


@hooks.register("before_copy_page")
def refuse_unreviewed_copies(request, page):
    if request.method != "POST":
        return None
    if request.POST.get("alias"):
        pages = [page, *(page.get_descendants().live() if request.POST.get("copy_subpages") else [])]
        if all(sign_off.live_version_signed_off(each.pk) for each in pages):
            return None
        problem = sign_off.ALIAS_REFUSAL
    elif request.POST.get("publish_copies"):
        problem = "A copy is a new page: it needs its own clinical sign-off. Untick 'Publish copies' to copy as drafts."
    else:
        return None
    messages.error(request, f"Not copied. {problem}")
    return redirect("wagtailadmin_pages:copy", page.pk)


@hooks.register("after_edit_page")
def return_reviewers_to_their_dashboard(request, page):
    # After a workflow action Wagtail goes to the page's parent in the page explorer. Clinical
    # reviewers have no page permissions outside their reviews, so that would greet them with
    # "permission denied"; their work list is the dashboard.
    workflow_action = request.POST.get("action-workflow-action") or request.POST.get("action-cancel-workflow")
    if workflow_action and policy_registry.get_by_type(Page).explorable_root_instance(request.user) is None:
        return redirect("wagtailadmin_home")
    return None


@hooks.register("construct_wagtail_userbar")
def use_portal_content_checker(request, items, page=None):
    for index, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(item, PortalContentChecker):
            items[index] = PortalContentChecker(in_editor=item.in_editor)


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    @actions.register_action(STAMP_LOG_ACTION)
    class ClinicalReviewRecorded(LogFormatter):
        label = "Clinical review recorded"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return (
                f"Clinical review recorded: reviewed by {data.get('reviewed_by', '?')} on "
                f"{data.get('last_reviewed', '?')}, next review due {data.get('next_review_due', '?')}"
            )
