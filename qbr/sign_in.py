"""Who may sign in with Microsoft (plain functions) and the allauth adapter applying them.

Rules: the account must have an email (Graph `mail`, else `userPrincipalName`);
when QBR_ALLOWED_EMAIL_DOMAINS is set its domain must be listed; when it is
empty the tenant (MICROSOFT_TENANT) must name one directory, because a
multi-tenant authority (`common`, `organizations`, `consumers`) with no domain
list would let any Microsoft account in. Signing in grants nothing by
itself: QBR access comes from the "QBR" / "QBR editors" groups (or staff).
"""
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

from esinv.errors import error_response

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
