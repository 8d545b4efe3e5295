"""What a signed-in user may see: the one rule behind the API's default permission, QBR's and every page.

Accounts exist by invitation and grant nothing by themselves. Access comes
from being staff (or superuser) or from a group staff grant:

| who | inventory data (API, pages) | QBR read | QBR write | billing read | billing write |
| --- | --- | --- | --- | --- | --- |
| staff | read and write | yes | no (needs "QBR editors") | yes | yes |
| superuser | read and write | yes | yes | yes | yes |
| "Viewers" (ESINV_VIEWER_GROUP) | read | no | no | no | no |
| "QBR" (QBR_READER_GROUP) | no | yes | no | no | no |
| "QBR editors" (QBR_EDITOR_GROUP) | no | yes | yes | no | no |
| "Billing" (BILLING_GROUP) | no | no | no | yes | no |
| no group | nothing | no | no | no | no |

Billing (report, variances, clients: billing.permissions) is for staff and the "Billing" group; QBR-only users
and viewers do not see it.

API keys are not users; their rule (read key reads, write key writes) stays
in esinv.auth and qbr.permissions.
"""
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser


@dataclass(frozen=True)
class Access:
    inventory_read: bool = False
    inventory_write: bool = False
    qbr_read: bool = False
    qbr_write: bool = False
    billing_read: bool = False
    billing_write: bool = False

    @property
    def anything(self) -> bool:
        """Whether the account has been granted anything at all."""
        return self.inventory_read or self.qbr_read or self.billing_read


NO_ACCESS = Access()


def access_for(*, staff: bool, superuser: bool, groups: set[str], viewer_group: str, qbr_reader_group: str,
               qbr_editor_group: str, billing_group: str = "Billing") -> Access:
    """The grants of an active, signed-in account from its flags and group names (a plain function)."""
    qbr_write = superuser or qbr_editor_group in groups
    return Access(
        inventory_read=staff or superuser or viewer_group in groups,
        inventory_write=staff or superuser,
        qbr_read=staff or superuser or qbr_write or qbr_reader_group in groups,
        qbr_write=qbr_write,
        billing_read=staff or superuser or billing_group in groups,
        billing_write=staff or superuser,
    )


def group_names(user) -> set[str]:
    """The user's group names, read once per request object."""
    cached = getattr(user, "_esinv_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._esinv_groups = cached
    return cached


def is_person(user) -> bool:
    """A signed-in, active Django user (not anonymous, not an API key)."""
    return isinstance(user, AbstractBaseUser) and user.is_authenticated and user.is_active


def user_access(user) -> Access:
    if not is_person(user):
        return NO_ACCESS
    return access_for(
        staff=user.is_staff, superuser=user.is_superuser, groups=group_names(user),
        viewer_group=settings.ESINV_VIEWER_GROUP, qbr_reader_group=settings.QBR_READER_GROUP,
        qbr_editor_group=settings.QBR_EDITOR_GROUP, billing_group=settings.BILLING_GROUP,
    )


def access_context(request) -> dict:
    """Template context processor: what the signed-in user may see (the navigation shows only that)."""
    return {"access": user_access(getattr(request, "user", None))}
