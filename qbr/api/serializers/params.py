"""Query parameters of the QBR endpoints."""
from esinv.validation import QueryParamsSerializer
from qbr.api.serializers.fields import MetricNameField, MonthField, OrganizationIdField, QuarterField, VendorIdField


class OrganizationQuerySerializer(QueryParamsSerializer):
    organization_id = OrganizationIdField()


class MonthlyQuerySerializer(OrganizationQuerySerializer):
    period = MonthField(required=False, help_text="YYYY-MM (default: the latest month with data).")
    vendor_id = VendorIdField(required=False)
    metric_name = MetricNameField(required=False)


class QuarterlyQuerySerializer(OrganizationQuerySerializer):
    period = QuarterField(required=False, help_text="YYYY-Qn (default: the quarter of the latest month with data).")


class DevicesByClientQuerySerializer(QueryParamsSerializer):
    period = MonthField(help_text="YYYY-MM")
    organization_id = OrganizationIdField(help_text="1 (default): every client; else that client only.")


class SmartNumbersQuerySerializer(OrganizationQuerySerializer):
    period = QuarterField(help_text="YYYY-Qn")
