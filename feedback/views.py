"""Receive "Was this page helpful?" answers.

The form sits on cached public pages, so it carries no CSRF token (one token would be shared by
everyone). Instead this endpoint accepts posts only from this site's own pages (Origin or
Referer), limits how often one client may post (settings.RATE_LIMITS), and stores nothing
that identifies anyone.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wagtail.models import Page

from education.public import visible
from portal.rate_limit import rate_limited

from .forms import FeedbackForm
from .models import PageFeedback


def _from_this_site(request: HttpRequest) -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not source or source == "null":
        return False
    return url_has_allowed_host_and_scheme(
        source, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@csrf_exempt
@require_POST
@rate_limited("feedback")
def submit(request: HttpRequest) -> HttpResponse:
    if not _from_this_site(request):
        return render(
            request, "feedback/problem.html", {"problem": gettext("We could not accept this form.")}, status=403
        )
    form = FeedbackForm(request.POST)
    page = None
    if form.is_valid():
        page = visible(Page.objects.filter(pk=form.cleaned_data["page"])).first()
    if page is None:
        return render(
            request, "feedback/problem.html", {"problem": gettext("Please choose Yes or No."), "form": form}, status=400
        )
    PageFeedback.objects.create(page=page, helpful=form.cleaned_data["helpful"], comment=form.cleaned_data["comment"])
    return render(request, "feedback/thanks.html", {"feedback_page": page})
