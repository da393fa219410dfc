from django.apps import AppConfig


class StaffSignInConfig(AppConfig):
    """Single sign-on for the admin, roles from the hospital's groups, MFA for local accounts."""

    name = "staff_sign_in"
    verbose_name = "Staff sign-in"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .second_factor import note_second_factor_at_sign_in

        user_logged_in.connect(note_second_factor_at_sign_in, dispatch_uid="staff_sign_in_second_factor")
