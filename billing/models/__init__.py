"""Billing's models, one module per kind of data; imported from here (`from billing.models import X`).

- m365: Microsoft 365 tenants of the clients and their daily SKUs and users, imported product names.
- agreements: the daily ConnectWise agreements and their additions.
- measured: the daily measured quantities of each client.
- billing_map: which measured quantity a ConnectWise product identifier bills for.
- variances: billing variances and their events.
"""
from billing.models.agreements import BillCustomer, CWAgreement, CWAgreementAddition
from billing.models.billing_map import BillingMapping
from billing.models.m365 import M365ProductName, M365Sku, M365Tenant, M365User, M365UserDefinition, validate_tenant_id
from billing.models.measured import MeasuredQuantity
from billing.models.variances import BillingVariance, BillingVarianceEvent, BillingVarianceStatus, BillingVarianceType

__all__ = [
    "validate_tenant_id",
    "M365UserDefinition",
    "M365Tenant",
    "M365Sku",
    "M365User",
    "M365ProductName",
    "BillCustomer",
    "CWAgreement",
    "CWAgreementAddition",
    "MeasuredQuantity",
    "BillingMapping",
    "BillingVarianceType",
    "BillingVarianceStatus",
    "BillingVariance",
    "BillingVarianceEvent",
]
