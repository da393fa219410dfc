import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from review.models import StaffProfile
from review.roles import ROLE_GROUPS


class Command(BaseCommand):
    help = (
        "Create a staff user in a role (editor, reviewer, publisher or admin), or add the role to an "
        "existing user. The password is read from standard input with --password-stdin; "
        "otherwise one is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_GROUPS))
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--job-title", default="", help="Shown after a reviewer's name on pages they sign off.")
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")

    @transaction.atomic
    def handle(self, *args, username, role, email, first_name, last_name, job_title, password_stdin, **options):
        try:
            group = Group.objects.get(name=ROLE_GROUPS[role])
        except Group.DoesNotExist as error:
            raise CommandError(f"The group {ROLE_GROUPS[role]!r} is missing; run `manage.py migrate`.") from error

        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username, defaults={"email": email})
        if user.is_superuser:
            raise CommandError(f"{username} is a superuser; change superusers in the admin, not here.")
        user.email = email
        user.first_name = first_name or user.first_name
        user.last_name = last_name or user.last_name
        user.is_active = True
        user.save()
        user.groups.add(group)  # added to any roles the user already has

        generated = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            user.set_password(password)
        elif created:
            generated = secrets.token_urlsafe(12)
            user.set_password(generated)
        user.save()

        if job_title:
            StaffProfile.objects.update_or_create(user=user, defaults={"job_title": job_title})

        self.stdout.write(f"{'Created' if created else 'Updated'} {username} as {group.name}.")
        if generated:
            self.stdout.write(f"Password (shown once; ask them to change it): {generated}")
