"""Accounts exist by invitation: local sign-up is closed and password reset needs mail.

Staff create accounts in the admin or with `manage.py create_user`; Microsoft
sign-in creates accounts only for the allowed tenant or domains
(qbr.sign_in). A new account is granted nothing (esinv.access) until staff
add it to a group.

Password reset mails a link only when the hub can send mail (EMAIL_HOST, or a
non-SMTP EMAIL_BACKEND); the answer is the same whether or not the address
belongs to an account, and unknown addresses get no mail
(ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS off). Without mail the reset page says so and
sends the user to staff.

Microsoft sign-in needs an app registration (MICROSOFT_CLIENT_ID): without one,
allauth's own /accounts/microsoft/login/ answers a 503 page saying so instead of
sending the browser to Microsoft with an empty client_id.
"""
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.views import password_reset as allauth_password_reset
from allauth.socialaccount.providers.microsoft.views import oauth2_login as allauth_microsoft_login
from django.conf import settings
from django.shortcuts import render

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mail_configured(*, email_backend: str, email_host: str) -> bool:
    """The SMTP backend needs a host; any other backend (console, file, a provider's) is configured on purpose."""
    return bool(email_host) if email_backend == SMTP_BACKEND else bool(email_backend)


def hub_can_send_mail() -> bool:
    return mail_configured(email_backend=settings.EMAIL_BACKEND, email_host=settings.EMAIL_HOST)


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """allauth's account adapter with local sign-up closed (Microsoft sign-in has its own rule)."""

    def is_open_for_signup(self, request):
        return False


def signup_closed(request):
    """GET or POST /accounts/signup/: no form, no account."""
    return render(request, "pages/refused.html", {
        "title": "Accounts are by invitation",
        "message": "This hub has no public sign-up. Staff create accounts; ask an administrator for one.",
    }, status=403)


def microsoft_app(request):
    """The Microsoft app registration allauth signs in with, or None when there is none with a client id."""
    from allauth.socialaccount.adapter import get_adapter

    try:
        app = get_adapter().get_provider(request, "microsoft").app
    except Exception:  # no SocialApp / provider configured
        return None
    return app if app is not None and app.client_id else None


def microsoft_configured(request) -> bool:
    """Whether the Microsoft sign-in has an app registration with a client id."""
    return microsoft_app(request) is not None


MICROSOFT_NOT_CONFIGURED = (
    "Microsoft sign-in is not configured on this hub (an administrator sets MICROSOFT_CLIENT_ID). "
    "Sign in with a password instead."
)


def microsoft_login(request):
    """GET or POST /accounts/microsoft/login/: allauth's Microsoft sign-in when configured, else a 503 page."""
    if not microsoft_configured(request):
        return render(request, "pages/error.html", {
            "title": "Microsoft sign-in is not configured", "message": MICROSOFT_NOT_CONFIGURED,
        }, status=503)
    return allauth_microsoft_login(request)


def password_reset(request):
    """allauth's password reset when the hub can send mail, else a page saying to ask staff (no mail tried)."""
    if hub_can_send_mail():
        return allauth_password_reset(request)
    return render(request, "pages/reset_unavailable.html", {"title": "Password reset unavailable"})
