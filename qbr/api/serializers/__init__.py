"""Request and response shapes of the QBR and sign-in endpoints, one module per subject:

- `numbers.py`: parsing a metric value and writing one as JSON;
- `fields.py`: months, quarters, ids (organizations and vendors, looked up once per request), numbers,
  metric names, timestamps;
- `validation.py`: serializer errors -> a 400 (404 for an unknown organization or vendor) in the hub's error
  shape whose `details.field` names the parameter, with the item's place in a list (`metrics[1].period`);
  one-or-many bodies;
- `params.py`: the query parameters;
- `metrics.py`, `devices.py`, `thresholds.py`, `smartnumbers.py`: each subject's body and responses;
- `auth.py`: Microsoft sign-in, status and logout;
- `envelope.py`: the contract's `{"success": true, "data": ...}` for the schema.

Periods are parsed by qbr.periods (the one parser of `YYYY-MM` / `YYYY-Qn`). The views import this package
(`from qbr.api import serializers as s`): every name they use is re-exported here.
"""
from qbr.api.serializers.auth import (
    AuthAccessSerializer,
    AuthLogoutSerializer,
    AuthStatusSerializer,
    AuthUserSerializer,
    MicrosoftCallbackQuerySerializer,
    NextQuerySerializer,
)
from qbr.api.serializers.devices import ClientDevicesSerializer, DevicesByClientResponse, DevicesByClientSerializer
from qbr.api.serializers.envelope import envelope
from qbr.api.serializers.fields import (
    MONTH_SCHEMA,
    QUARTER_SCHEMA,
    IdField,
    MetricNameField,
    MonthField,
    NumberField,
    OrganizationIdField,
    QuarterField,
    TimestampField,
    VendorIdField,
    lookup_organization,
)
from qbr.api.serializers.metrics import (
    MANUAL_BODY,
    ManualMetricInputSerializer,
    ManualResultSerializer,
    ManualSavedResponse,
    ManualSavedSerializer,
    MetricSerializer,
    MonthlyResponse,
    MonthlySerializer,
    QuarterlyResponse,
    QuarterlySerializer,
    QuarterMetricSerializer,
)
from qbr.api.serializers.numbers import MAX_ABS_VALUE, PLACES, number_out, parse_number
from qbr.api.serializers.params import (
    DevicesByClientQuerySerializer,
    MonthlyQuerySerializer,
    OrganizationQuerySerializer,
    QuarterlyQuerySerializer,
    SmartNumbersQuerySerializer,
)
from qbr.api.serializers.smartnumbers import SmartNumbersResponse, SmartNumbersSerializer
from qbr.api.serializers.thresholds import (
    THRESHOLD_NAMES,
    THRESHOLDS_BODY,
    ThresholdInputSerializer,
    ThresholdListResponse,
    ThresholdListSerializer,
    ThresholdSerializer,
    ThresholdsSavedResponse,
    ThresholdsSavedSerializer,
    ThresholdStatusSerializer,
)
from qbr.api.serializers.validation import MAX_ITEMS, OneOrMany, items_of, query, validated, validated_items

__all__ = [
    "AuthAccessSerializer", "AuthLogoutSerializer", "AuthStatusSerializer", "AuthUserSerializer",
    "MicrosoftCallbackQuerySerializer", "NextQuerySerializer",
    "ClientDevicesSerializer", "DevicesByClientResponse", "DevicesByClientSerializer",
    "envelope",
    "MONTH_SCHEMA", "QUARTER_SCHEMA", "IdField", "MetricNameField", "MonthField", "NumberField",
    "OrganizationIdField", "QuarterField", "TimestampField", "VendorIdField", "lookup_organization",
    "MANUAL_BODY", "ManualMetricInputSerializer", "ManualResultSerializer", "ManualSavedResponse",
    "ManualSavedSerializer",
    "MetricSerializer", "MonthlyResponse", "MonthlySerializer", "QuarterlyResponse", "QuarterlySerializer",
    "QuarterMetricSerializer",
    "MAX_ABS_VALUE", "PLACES", "number_out", "parse_number",
    "DevicesByClientQuerySerializer", "MonthlyQuerySerializer", "OrganizationQuerySerializer",
    "QuarterlyQuerySerializer", "SmartNumbersQuerySerializer",
    "SmartNumbersResponse", "SmartNumbersSerializer",
    "THRESHOLD_NAMES", "THRESHOLDS_BODY", "ThresholdInputSerializer", "ThresholdListResponse",
    "ThresholdListSerializer",
    "ThresholdSerializer", "ThresholdsSavedResponse", "ThresholdsSavedSerializer", "ThresholdStatusSerializer",
    "MAX_ITEMS", "OneOrMany", "items_of", "query", "validated", "validated_items",
]
