"""Who may read and write QBR data.

- Signed-in users (Microsoft sign-in or a password): read when in the
  "QBR" or "QBR editors" group, or staff, or superuser; write when in
  "QBR editors" or superuser (the rule is esinv.access's). Unsafe methods
  need the CSRF token (DRF's SessionAuthentication enforces it).
- API keys: a read key reads QBR, a write key also writes (entries are
  audited as `apikey:NAME`).
- Anonymous callers get 401 JSON, whatever ESINV_ANONYMOUS_READ says: QBR
  data is never public.
"""
from django.conf import settings

from esinv.access import user_access
from esinv.grant_permission import GrantPermission


def user_can_read_qbr(user) -> bool:
    return user_access(user).qbr_read


def user_can_write_qbr(user) -> bool:
    return user_access(user).qbr_write


class QBRAccess(GrantPermission):
    read_grant, write_grant = "qbr_read", "qbr_write"
    message = "You are not allowed to use QBR data."

    def write_refusal(self) -> str:
        return f'Changing QBR data needs membership of the "{settings.QBR_EDITOR_GROUP}" group.'

    def read_refusal(self) -> str:
        return f'Reading QBR data needs membership of the "{settings.QBR_READER_GROUP}" group.'
