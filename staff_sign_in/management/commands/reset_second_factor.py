from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff_sign_in.second_factor import remove_second_factor


class Command(BaseCommand):
    help = (
        "Remove a local account's second factor (its authenticator app and recovery codes), for "
        "someone who has lost their phone and their codes. A superuser then sets up a new one at "
        "their next sign-in; any session they have open asks for it too."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user name they sign in with.")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist as error:
            raise CommandError(f"No account has the user name {username!r}. Nothing was changed.") from error
        removed = remove_second_factor(user)
        if not removed:
            self.stdout.write(f"{username} has no second factor: nothing was changed.")
            return
        self.stdout.write(f"Removed from {username}: {', '.join(removed)}.")
        if user.is_superuser and settings.STAFF_MFA_FOR_SUPERUSERS:
            self.stdout.write("At their next sign-in they will set up a new authenticator app.")
        else:
            self.stdout.write("They will no longer be asked for a code.")
