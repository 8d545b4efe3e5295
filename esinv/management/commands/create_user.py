"""Invite a person: create an account (sign-up is closed) and print a one-time password once."""
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_BYTES = 15  # 20 URL-safe characters


class Command(BaseCommand):
    help = (
        "Create an account and print a generated password once (give it to the person; they change it at "
        "/accounts/password/change/). The account sees nothing until it is staff or in a group: "
        "Viewers (inventory, read-only), QBR, QBR editors."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="Their email address (sign-in and password reset).")
        parser.add_argument("--staff", action="store_true", help="Staff: reads and changes everything, and the admin.")
        parser.add_argument("--group", action="append", default=[], metavar="NAME",
                            help="Add to this group (repeatable), e.g. --group Viewers.")

    def handle(self, username, email, staff, group, **options):
        User = get_user_model()
        username = username.strip()
        if not username:
            raise CommandError("The username may not be empty.")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named {username!r} already exists; change it in the admin.")
        if email and User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"A user with the email {email!r} already exists.")
        groups = []
        for name in group:
            found = Group.objects.filter(name=name).first()
            if found is None:
                known = ", ".join(sorted(Group.objects.values_list("name", flat=True))) or "none"
                raise CommandError(f"No group named {name!r} (groups: {known}).")
            groups.append(found)
        password = secrets.token_urlsafe(PASSWORD_BYTES)
        with transaction.atomic():
            user = User.objects.create_user(username, email=email.strip(), password=password, is_staff=staff)
            user.groups.set(groups)
        grants = ["staff"] if staff else []
        grants += [g.name for g in groups]
        self.stderr.write(
            f"Created {username!r} ({', '.join(grants) or 'no access yet: add a group in the admin'}). "
            "Its password is shown only once:"
        )
        self.stdout.write(password)
