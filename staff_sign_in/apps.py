from django.apps import AppConfig


class StaffSignInConfig(AppConfig):
    """Single sign-on for the admin, roles from the hospital's groups, MFA for local accounts."""

    name = "staff_sign_in"
    verbose_name = "Staff sign-in"
    default_auto_field = "django.db.models.BigAutoField"
