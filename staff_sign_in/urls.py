"""The admin's sign-in pages, placed before Wagtail's own admin URLs (which they replace)."""

from django.conf import settings
from django.urls import path

from . import second_factor
from .login import StaffLoginView, StaffLogoutView

urlpatterns = [
    path("admin/login/", StaffLoginView.as_view(), name="wagtailadmin_login"),
    path("admin/logout/", StaffLogoutView.as_view(), name="wagtailadmin_logout"),
    path("admin/login/second-factor/", second_factor.verify, name="staff_sign_in_second_factor"),
    path("admin/login/second-factor/set-up/", second_factor.set_up, name="staff_sign_in_second_factor_setup"),
]

if settings.OIDC_ISSUER:
    from .oidc import CallbackView, SignInView

    urlpatterns += [
        path("admin/login/oidc/", SignInView.as_view(), name="oidc_authentication_init"),
        path("admin/login/oidc/callback/", CallbackView.as_view(), name="oidc_authentication_callback"),
    ]
