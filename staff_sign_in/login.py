"""The admin's sign-in and sign-out pages, with the hospital's sign-in beside (or instead of) the
password form, and the provider's session ended at sign-out."""

from django.conf import settings

from wagtail.admin.views import account

from education.models import PortalSettings

from .oidc import provider_sign_out_url
from .refusals import REFUSAL_ATTRIBUTE, refused


def identity_provider_name(request) -> str:
    return settings.OIDC_DISPLAY_NAME or PortalSettings.for_request(request).organisation_name


class StaffLoginView(account.LoginView):
    """Wagtail's sign-in page. With OIDC_ONLY only superusers (the break-glass accounts) may use a
    password, checked when the form is sent, not only by hiding it."""

    template_name = "staff_sign_in/login.html"

    def form_valid(self, form):
        if settings.OIDC_ONLY and not form.get_user().is_superuser:
            form.add_error(None, f"Sign in with {identity_provider_name(self.request)} instead.")
            return self.form_invalid(form)
        return super().form_valid(form)

    def form_invalid(self, form):
        # A directory account refused for its groups, or a directory not answering: a page that
        # says so, rather than "wrong password".
        reason = getattr(self.request, REFUSAL_ATTRIBUTE, None)
        return refused(self.request, reason) if reason else super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = bool(settings.OIDC_ISSUER)
        context["oidc_only"] = settings.OIDC_ONLY
        context["password_form_asked_for"] = "local" in self.request.GET or self.request.method == "POST"
        if settings.OIDC_ISSUER:
            context["identity_provider_name"] = identity_provider_name(self.request)
        return context


class StaffLogoutView(account.LogoutView):
    """Wagtail's sign-out, then on to the provider so that its session ends as well."""

    def post(self, request, *args, **kwargs):
        provider_url = provider_sign_out_url(request)  # read before the session is gone
        response = super().post(request, *args, **kwargs)
        if provider_url:
            response["Location"] = provider_url
        return response
