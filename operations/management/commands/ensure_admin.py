import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

PASSWORD_FILE = Path(settings.BASE_DIR) / ".admin-password"


class Command(BaseCommand):
    help = (
        "Make sure a site administrator exists and print how to log in. The password comes from "
        "PORTAL_ADMIN_PASSWORD, or is generated once and kept in the git-ignored .admin-password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("PORTAL_ADMIN_USERNAME", "admin"))

    def handle(self, *args, username: str, **options):
        from_environment = os.environ.get("PORTAL_ADMIN_PASSWORD", "").strip()
        password = from_environment
        if not password and PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text().strip()
        if not password:
            password = secrets.token_urlsafe(12)
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)

        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        # A password changed later in the admin is kept, unless the environment sets one.
        if created or (from_environment and not user.check_password(password)):
            user.set_password(password)
            user.save()
        shown = password if user.check_password(password) else "(changed in the admin; not shown)"
        self.stdout.write(f"Admin login: {settings.WAGTAILADMIN_BASE_URL}/admin/  user: {username}  password: {shown}")
