"""Who may sign in with Microsoft (plain functions) and the allauth adapter applying them.

Rules: the account must have an email (Graph `mail`, else `userPrincipalName`);
when QBR_ALLOWED_EMAIL_DOMAINS is set its domain must be listed; when it is
empty the tenant (MICROSOFT_TENANT) must name one directory, because a
multi-tenant authority (`common`, `organizations`, `consumers`) with no domain
list would let any Microsoft account in. Signing in grants nothing by
itself: QBR access comes from the "QBR" / "QBR editors" groups (or staff).

The flow (docs/qbr.md, "Sign-in"): `GET /api/auth/microsoft/login` sends the
browser to Microsoft with the redirect URI `/api/auth/microsoft/callback` (the
URI the Entra app registers); Microsoft sends it back there with a code, and
the callback exchanges the code with that same URI, reads Graph `/v1.0/me`,
applies the rules above and opens the session. allauth runs both halves
(the OAuth `state` it keeps in the session protects the callback), so
allauth's own `/accounts/microsoft/login/callback/` keeps working for the
flows allauth itself starts.
"""
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.microsoft.provider import MicrosoftGraphProvider
from allauth.socialaccount.providers.microsoft.views import MicrosoftGraphOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.urls import reverse

from esinv.accounts import microsoft_app
from esinv.errors import APIError, error_response

PROVIDER = "microsoft"
CALLBACK_ROUTE = "auth-microsoft-callback"

MULTI_TENANT_AUTHORITIES = frozenset({"common", "organizations", "consumers"})


def email_from_graph(profile: dict) -> str:
    """Graph `mail`, else `userPrincipalName`; lower-cased; '' when neither is there."""
    return (profile.get("mail") or profile.get("userPrincipalName") or "").strip().lower()


def display_name_from_graph(profile: dict) -> str:
    name = (profile.get("displayName") or "").strip()
    if name:
        return name
    return " ".join(p for p in (profile.get("givenName"), profile.get("surname")) if p).strip()


def sign_in_refusal(email: str, *, allowed_domains: list[str], tenant: str) -> str | None:
    """Why this account may not sign in, or None when it may."""
    if not email or "@" not in email:
        return "The Microsoft account has no email address."
    domain = email.rsplit("@", 1)[1].lower()
    if allowed_domains:
        if domain not in {d.lower() for d in allowed_domains}:
            return f"Accounts of {domain} may not sign in here."
        return None
    if (tenant or "").lower() in MULTI_TENANT_AUTHORITIES:
        return (
            "Sign-in is not restricted to a tenant or an email domain: "
            "set QBR_ALLOWED_EMAIL_DOMAINS or MICROSOFT_TENANT."
        )
    return None


def configured_tenant() -> str:
    provider = settings.SOCIALACCOUNT_PROVIDERS.get("microsoft", {})
    apps = provider.get("APPS") or [{}]
    return apps[0].get("settings", {}).get("tenant") or provider.get("TENANT") or "common"


class QBRSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Refuses accounts outside the allowed tenant/domains; fills email and names from Graph."""

    def pre_social_login(self, request, sociallogin):
        profile = sociallogin.account.extra_data or {}
        reason = sign_in_refusal(
            email_from_graph(profile), allowed_domains=settings.QBR_ALLOWED_EMAIL_DOMAINS, tenant=configured_tenant()
        )
        if reason:
            raise ImmediateHttpResponse(error_response(request, 403, "sign_in_refused", reason))
        super().pre_social_login(request, sociallogin)

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        """Under /api/ a failed sign-in answers JSON (the API's rule), not allauth's HTML page."""
        super().on_authentication_error(request, provider, error=error, exception=exception,
                                        extra_context=extra_context)
        if request.path.startswith("/api/"):
            if error == AuthError.CANCELLED:
                code, message = "sign_in_cancelled", "The Microsoft sign-in was cancelled."
            else:
                code, message = "sign_in_failed", (
                    "The Microsoft sign-in could not be completed (an expired or unknown state, or a code Microsoft "
                    "refused): start again from /api/auth/microsoft/login."
                )
            raise ImmediateHttpResponse(error_response(request, 400, code, message))

    def is_open_for_signup(self, request, sociallogin):
        return True  # pre_social_login has already refused everyone who may not sign in

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        profile = sociallogin.account.extra_data or {}
        user.email = email_from_graph(profile)
        if not (user.first_name or user.last_name):
            name = display_name_from_graph(profile)
            first, _, last = name.partition(" ")
            user.first_name, user.last_name = first[:150], last[:150]
        return user


class HubMicrosoftOAuth2Adapter(MicrosoftGraphOAuth2Adapter):
    """allauth's Microsoft adapter with the contract's redirect URI, /api/auth/microsoft/callback."""

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse(CALLBACK_ROUTE), self.redirect_uri_protocol)


class HubMicrosoftProvider(MicrosoftGraphProvider):
    oauth2_adapter_class = HubMicrosoftOAuth2Adapter


def safe_next(request, candidate: str) -> str:
    """`next` when it is a path or a URL on ALLOWED_HOSTS / CSRF_TRUSTED_ORIGINS (allauth's rule), else the default."""
    if candidate and get_account_adapter(request).is_safe_url(candidate):
        return candidate
    return settings.QBR_LOGIN_REDIRECT_URL


def _configured_app(request):
    """The Microsoft app allauth signs in with (esinv.accounts decides); 503 `not_configured` without one."""
    app = microsoft_app(request)
    if app is None:
        raise APIError(
            "Microsoft sign-in is not configured (MICROSOFT_CLIENT_ID).", code="not_configured", status_code=503
        )
    return app


def start_microsoft_sign_in(request, next_url: str):
    """302 to Microsoft's authorize endpoint with the contract's redirect URI; 503 when not configured."""
    app = _configured_app(request)
    provider = HubMicrosoftProvider(request, app=app)
    return provider.redirect(request, process="login", next_url=safe_next(request, next_url))


_callback = OAuth2CallbackView.adapter_view(HubMicrosoftOAuth2Adapter)


def complete_microsoft_sign_in(request):
    """The callback: allauth checks the state, exchanges the code (same redirect URI) and signs the user in;
    503 `not_configured` (the real problem) when Microsoft sign-in is not set up."""
    _configured_app(request)
    return _callback(request)


def signed_in_user(user) -> dict:
    """The signed-in user as /api/auth/status shows it (the Graph display name when there is one)."""
    account = user.socialaccount_set.filter(provider=PROVIDER).only("extra_data").first()
    graph_name = display_name_from_graph(account.extra_data or {}) if account else ""
    return {
        "email": user.email or None,
        "name": graph_name or user.get_full_name() or user.get_username(),
        "username": user.get_username(),
    }
