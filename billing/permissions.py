"""Who may use billing: staff, superusers and the "Billing" group (BILLING_GROUP) read; staff and superusers
write (esinv.access). QBR-only users and viewers get 403; anonymous callers 401; API keys only with the billing
scope (`create_api_key NAME --billing`; else 403 "This API key has no billing scope."), then read keys read and
write keys write."""
from django.conf import settings

from esinv.grant_permission import GrantPermission


class BillingAccess(GrantPermission):
    read_grant, write_grant = "billing_read", "billing_write"
    key_scope = "billing_scope"
    message = "You are not allowed to use billing data."

    def write_refusal(self) -> str:
        return "Only staff users may change billing variances."

    def read_refusal(self) -> str:
        return f'Reading billing data needs staff or membership of the "{settings.BILLING_GROUP}" group.'
