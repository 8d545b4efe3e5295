"""Request and response shapes of the billing API (validated through esinv.validation.validated)."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.filtersets import ORDERINGS
from billing.measures import SOURCES
from billing.models import BillingVarianceStatus, BillingVarianceType
from esinv.params import MAX_ID
from esinv.validation import (
    QueryBooleanField,
    QueryChoiceField,
    QueryChoicesField,
    QueryIdField,
    QueryParamsSerializer,
    StrictCharField,
    StrictDateField,
)


class BillingReportQuerySerializer(QueryParamsSerializer):
    """`?date=` of the report, the client view and the exports (given twice: 400 naming it)."""

    date = StrictDateField(required=False, help_text="YYYY-MM-DD; default the latest day with billing data.")


class BillingExportQuerySerializer(BillingReportQuerySerializer):
    organization = QueryIdField(required=False, max_value=MAX_ID,
                                help_text="Organization id: that client's lines and totals only (a file to show it).")
    meta = QueryBooleanField(required=False, default=False,
                             help_text="CSV: `true` puts a metadata block (report, day, client, currency, totals), "
                                       "then an empty line, before the header. Default `false`: the first line is "
                                       "the header.")


class BillingVarianceListQuerySerializer(QueryParamsSerializer):
    """GET /api/billing/variances: filters and order; a single-valued parameter given twice is a 400 naming it."""

    also_single = ("page", "page_size")  # read by the paginator

    type = QueryChoicesField(choices=BillingVarianceType, required=False, noun="billing variance type",
                             help_text="One or more types: repeated (`type=UNDER_BILLED&type=OVER_BILLED`) or a "
                                       "comma list; any of them.")
    status = QueryChoiceField(choices=BillingVarianceStatus, required=False, allow_blank=True, noun="status")
    organization = QueryIdField(required=False, max_value=MAX_ID, help_text="Organization id.")
    date = StrictDateField(required=False, help_text="Variances present on that day (found on or before it, last "
                                                     "seen on or after it).")
    ordering = QueryChoiceField(choices=ORDERINGS.values, required=False, allow_blank=True, noun="ordering",
                                help_text="Sort order (`-` for descending; default `organization`): `amount` is the "
                                          "money at stake a month (variances without money last either way), "
                                          "`organization` the client's name, `type`, `status`, `date_found`, "
                                          "`last_seen`; ties by client, type, subject and id.")


class BillingNotesSerializer(serializers.Serializer):
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=4000)


class StrictIdField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class BillingBulkUpdateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["resolve", "accept"])
    ids = serializers.ListField(child=StrictIdField(min_value=1, max_value=MAX_ID), allow_empty=False,
                                max_length=10000)
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=4000)


@extend_schema_field(OpenApiTypes.STR)
class ProductNameField(serializers.Field):
    """Read-only: the human name of a line's product or SKU part number (Microsoft's product name for a SKU, e.g.
    `SPB` -> "Microsoft 365 Business Premium"); the identifier itself when no table knows it. The names are read
    once per response (cached on the root serializer)."""

    def __init__(self, key: str, **kwargs):
        self.key = key
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, row):
        names = getattr(self.root, "_sku_names", None)
        if names is None:
            from billing.m365.sku_names import product_names

            names = self.root._sku_names = product_names()
        part = (row.get(self.key) if isinstance(row, dict) else getattr(row, self.key, "")) or ""
        return names.get(part) or part



class BillingVarianceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=BillingVarianceType)
    organization_id = serializers.IntegerField()
    organization = serializers.CharField()
    subject = serializers.CharField(help_text="Product identifier, SKU part number, or empty.")
    product_name = ProductNameField("subject", help_text="The subject's human name (Microsoft's product name of a "
                                                         "SKU part number), else the subject itself.")
    code = serializers.CharField(help_text="The measured quantity compared.")
    status = serializers.ChoiceField(choices=BillingVarianceStatus)
    date_found = serializers.DateField()
    last_seen = serializers.DateField()
    billed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    measured = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    tolerance = serializers.DecimalField(max_digits=10, decimal_places=2)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True,
                                          help_text="Unit price (unit cost for UNUSED_LICENCES) per month.")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True,
                                      help_text="Monthly money at stake, in the billing currency "
                                                "(setting ESINV_CURRENCY).")
    cycle_note = serializers.CharField(help_text="Set when a billed line's agreement billing cycle is unknown "
                                                 "(its money counted as monthly); empty otherwise.")
    ids = serializers.ListField(child=serializers.CharField(), help_text="Devices or users behind the count.")
    ids_total = serializers.IntegerField()
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.CharField()
    notes = serializers.CharField()


class BillingEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    report_date = serializers.DateField(allow_null=True)
    action = serializers.CharField()
    actor = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    notes = serializers.CharField()


class BillingVarianceDetailSerializer(BillingVarianceSerializer):
    events = BillingEventSerializer(many=True)


class BillingProductSerializer(serializers.Serializer):
    product = serializers.CharField()
    product_name = ProductNameField("product", help_text="The product's human name (Microsoft's product name when "
                                                         "it is a SKU part number), else the identifier itself.")
    code = serializers.CharField(allow_null=True)
    mapped = serializers.BooleanField()
    billed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True,
                                          help_text="Unit price per month (the billing cycle's price divided by its "
                                                    "months); null when nothing is billed that day.")
    measured = serializers.IntegerField(allow_null=True)


class BillingReportClientSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    organization = serializers.CharField()
    products = BillingProductSerializer(many=True)
    variances = BillingVarianceSerializer(many=True)
    monthly_revenue_leak = serializers.DecimalField(max_digits=16, decimal_places=2)
    monthly_over_billing = serializers.DecimalField(max_digits=16, decimal_places=2)


class BillingTotalsSerializer(serializers.Serializer):
    monthly_revenue_leak = serializers.DecimalField(max_digits=16, decimal_places=2)
    monthly_over_billing = serializers.DecimalField(max_digits=16, decimal_places=2)
    variances = serializers.IntegerField()


class BillingUnmeasuredSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=list(SOURCES))
    label = serializers.CharField()
    detail = serializers.CharField(help_text="e.g. the clients whose Microsoft 365 tenant has no day.")
    reason = serializers.CharField(help_text="The message of that day's failed collection, when there is one.")


class BillingReportSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    measured = serializers.BooleanField(help_text="Whether `date` has measured quantities at all.")
    unmeasured = BillingUnmeasuredSerializer(
        many=True, help_text="Sources in use that were not measured on `date` (their collection failed or did not "
                             "run): their variances are neither found nor closed that day and are listed as last "
                             "seen.")
    newest_unmeasured_date = serializers.DateField(
        allow_null=True, help_text="Without `?date=`: a newer collected day that has no measures (e.g. its "
                                   "collections failed), else null. The report shows the latest measured day.")
    clients = BillingReportClientSerializer(many=True)
    totals = BillingTotalsSerializer()


class BillingHistorySerializer(serializers.Serializer):
    month = serializers.CharField()
    billed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    measured = serializers.IntegerField(allow_null=True)


class BillingClientProductSerializer(BillingProductSerializer):
    history = BillingHistorySerializer(many=True)


class BillingClientSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    organization = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    products = BillingClientProductSerializer(many=True)
    variances = BillingVarianceSerializer(many=True)


class BillingActionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()


class BillingActionResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    variance = BillingVarianceDetailSerializer()


class BillingBulkResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    action = serializers.CharField()
    updated = serializers.IntegerField()
    results = BillingActionResultSerializer(many=True)
