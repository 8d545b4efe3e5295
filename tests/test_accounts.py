"""Accounts exist by invitation: closed sign-up, the create_user command, password reset only with mail."""
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from esinv.accounts import mail_configured

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class TestSignUpIsClosed:
    def test_the_sign_up_page_offers_no_form(self, client):
        response = client.get("/accounts/signup/")
        html = response.content.decode()
        assert response.status_code == 403
        assert "<form" not in html.replace('class="signout"', "") and "invitation" in html

    def test_posting_a_sign_up_creates_no_account(self, client):
        response = client.post("/accounts/signup/", {
            "username": "intruder", "email": "intruder@example.com",
            "password1": "a-Long-Password-77", "password2": "a-Long-Password-77",
        })
        assert response.status_code == 403
        assert not get_user_model().objects.exists()
        assert "_auth_user_id" not in client.session

    def test_the_login_page_does_not_offer_sign_up(self, client):
        html = client.get("/accounts/login/").content.decode()
        assert "/accounts/signup/" not in html

    def test_the_sign_up_view_of_allauth_is_closed_too(self, rf):
        from allauth.account.adapter import get_adapter

        assert get_adapter(rf.get("/")).is_open_for_signup(rf.get("/")) is False


class TestCreateUserCommand:
    def run(self, capsys, *args):
        call_command("create_user", *args)
        captured = capsys.readouterr()
        return captured.out.strip(), captured.err

    def test_a_new_account_signs_in_with_the_printed_password_and_sees_nothing(self, capsys):
        password, note = self.run(capsys, "ann", "--email", "ann@example.com")
        user = get_user_model().objects.get(username="ann")
        assert user.email == "ann@example.com" and not user.is_staff and not user.groups.exists()
        assert len(password) >= 20 and password not in note and "no access yet" in note
        client = Client()
        assert client.post("/accounts/login/", {"login": "ann", "password": password}).status_code == 302
        assert client.get("/").status_code == 403
        assert client.get("/api/vendors").status_code == 403

    def test_groups_and_staff(self, capsys, settings):
        password, _ = self.run(capsys, "vic", "--group", settings.ESINV_VIEWER_GROUP, "--group",
                               settings.QBR_READER_GROUP)
        client = Client()
        client.login(username="vic", password=password)
        assert client.get("/api/vendors").status_code == 200
        assert client.get("/api/qbr/thresholds").status_code == 200
        self.run(capsys, "sam", "--staff")
        assert get_user_model().objects.get(username="sam").is_staff

    def test_each_account_gets_its_own_password(self, capsys):
        first, _ = self.run(capsys, "one")
        second, _ = self.run(capsys, "two")
        assert first != second

    def test_unknown_group_and_duplicates_are_errors(self, capsys):
        with pytest.raises(CommandError, match="No group named 'Admins'"):
            call_command("create_user", "eve", "--group", "Admins")
        assert not get_user_model().objects.filter(username="eve").exists()
        self.run(capsys, "bob", "--email", "bob@example.com")
        with pytest.raises(CommandError, match="already exists"):
            call_command("create_user", "BOB")
        with pytest.raises(CommandError, match="already exists"):
            call_command("create_user", "robert", "--email", "Bob@example.com")


class TestPasswordReset:
    @pytest.fixture
    def no_mail(self, settings):
        settings.EMAIL_BACKEND = SMTP
        settings.EMAIL_HOST = ""

    @pytest.fixture
    def with_mail(self, settings):
        settings.EMAIL_BACKEND = LOCMEM
        settings.EMAIL_HOST = "smtp.example.com"

    @pytest.fixture
    def known(self, django_user_model):
        return django_user_model.objects.create_user("kim", "kim@example.com", "pw-Strong-123")

    def test_without_mail_the_page_says_to_ask_staff(self, client, no_mail, known):
        for response in (client.get("/accounts/password/reset/"),
                         client.post("/accounts/password/reset/", {"email": "kim@example.com"})):
            html = response.content.decode()
            assert response.status_code == 200
            assert "Password reset is not available" in html and "Ask an administrator" in html
            assert 'name="email"' not in html
        assert mail.outbox == []

    def test_with_mail_known_and_unknown_addresses_get_the_same_answer(self, client, with_mail, known):
        for_known = client.post("/accounts/password/reset/", {"email": "kim@example.com"})
        for_unknown = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
        assert for_known.status_code == for_unknown.status_code == 302
        assert for_known["Location"] == for_unknown["Location"]
        assert [message.to for message in mail.outbox] == [["kim@example.com"]]
        assert "/accounts/password/reset/key/" in mail.outbox[0].body

    def test_with_mail_the_form_is_offered(self, client, with_mail):
        html = client.get("/accounts/password/reset/").content.decode()
        assert 'name="email"' in html

    @pytest.mark.parametrize("backend, host, configured", [
        (SMTP, "", False), (SMTP, "smtp.example.com", True), (LOCMEM, "", True),
        ("django.core.mail.backends.console.EmailBackend", "", True), ("", "", False),
    ])
    def test_when_mail_counts_as_configured(self, backend, host, configured):
        assert mail_configured(email_backend=backend, email_host=host) is configured


def microsoft_settings(settings, client_id):
    settings.SOCIALACCOUNT_PROVIDERS = {"microsoft": {"TENANT": "contoso.example", "APPS": [
        {"client_id": client_id, "secret": "s3cret", "settings": {"tenant": "contoso.example"}}]}}


class TestMicrosoftSignInNotConfigured:
    """allauth's own /accounts/microsoft/login/ says sign-in is off instead of redirecting with client_id=."""

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_without_a_client_id_the_page_says_so(self, settings, method):
        microsoft_settings(settings, "")
        response = getattr(Client(), method)("/accounts/microsoft/login/")
        html = response.content.decode()
        assert response.status_code == 503
        assert "Microsoft sign-in is not configured" in html
        assert "login.microsoftonline.com" not in html and "client_id" not in html

    def test_with_a_client_id_the_post_goes_to_microsoft(self, settings):
        microsoft_settings(settings, "client-123")
        response = Client().post("/accounts/microsoft/login/")
        assert response.status_code == 302
        assert "client_id=client-123" in response["Location"]
        assert response["Location"].startswith("https://login.microsoftonline.com/contoso.example/")
