"""Request and response shapes of the variances endpoints: query parameters and bodies are validated
here (the views parse nothing themselves), responses are declared here for the OpenAPI schema.

The rules behind the checks stay plain functions, one place each: dates `esinv.params.parse_date`,
statuses and types `variances.filtersets`, export parameters `variances.export_data`.
"""
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from esinv.errors import BadRequest
from esinv.params import ISO_DATE_PATTERN, MAX_ID, MAX_ID_DIGITS, is_plain_int, parse_date
from esinv.schema import exactly_one_of
from esinv.validation import QueryParamsSerializer
from inventory.freshness import ReportStatus
from variances import duplicates
from variances import types as T
from variances.export_data import BOOL_CHOICES, LATEST, parse_bool, parse_export_request
from variances.exports import FORMATS, VARIANCE_TYPE_CHOICES
from variances.filtersets import (
    ORDERING_VALUES,
    RESOLVED_STATUSES,
    STATUS_VALUES,
    ExceptionFilter,
    parse_ordering,
    parse_status,
    parse_types,
)
from variances.models import ExceptionEvent, ExceptionRecord
from variances.models_exports import ExportJob, ExportStatus
from variances.reports import DataQuality, ReportFilter
from variances.services import Action

# Highest `offset` GET /api/exceptions accepts (far beyond any real list; keeps the SQL OFFSET in range).
MAX_OFFSET = 10**9


# --- fields ---------------------------------------------------------------------------------------

class StrictCharField(serializers.CharField):
    """Text only: a number, list or object is refused, never turned into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: `"5"`, `5.0` and `true` are refused."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.DATE)
class DateParam(serializers.Field):
    """A `YYYY-MM-DD` query parameter, read by the project's one strict date parser."""

    def to_internal_value(self, data):
        return parse_date(data, self.field_name)

    def to_representation(self, value):
        return value.isoformat()


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberParam(serializers.CharField):
    """A whole-number query parameter from `low` to `high` (a number, or a callable read per request for a
    setting), typed integer with those bounds in the schema."""

    def __init__(self, low: int, high, **kwargs):
        self.low, self.high = low, high
        super().__init__(**kwargs)

    def bounds(self) -> tuple[int, int]:
        return self.low, self.high() if callable(self.high) else self.high

    def to_internal_value(self, data):
        return _whole_number(super().to_internal_value(data), self.field_name, *self.bounds())

    def openapi_schema(self) -> dict:
        low, high = self.bounds()
        return {"minimum": low, "maximum": min(high, int("9" * MAX_ID_DIGITS))}  # is_plain_int's digits


class _TypesParam(serializers.CharField):
    """Exception types (codes or API names, checked by `parse_types`): a comma list, or repeated
    (`?type=A&type=B`, any of them, as billing's `QueryChoicesField`); blank parts are ignored."""

    many_values = True  # QueryParamsSerializer: repeating it is not an error

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist") and len(dictionary.getlist(self.field_name)) > 1:
            return ",".join(dictionary.getlist(self.field_name))
        return super().get_value(dictionary)

    def openapi_schema(self) -> dict:
        return types_pattern()


class _WordParam(serializers.CharField):
    """One word of a vocabulary (checked by the serializer's `validate_<name>`)."""

    def __init__(self, words, **kwargs):
        self.words = words
        super().__init__(**kwargs)

    def openapi_schema(self) -> dict:
        return {"enum": [*self.words, *([""] if self.allow_blank else [])]}  # blank: no filter


class _ReportDateParam(serializers.CharField):
    """`latest` or a date (checked by `variances.export_data.parse_report_date`); blank is the latest."""

    def openapi_schema(self) -> dict:
        return {"pattern": f"^({LATEST}|{ISO_DATE_PATTERN.strip('^$')})$"}


def types_pattern() -> dict:
    """What `parse_types` accepts: a comma list of type codes and API names, blank parts ignored."""
    one = "(" + "|".join(sorted({*(k.code for k in T.KINDS), *(k.api_name for k in T.KINDS)})) + ")?"
    return {"pattern": rf"^ *{one} *(, *{one} *)*$"}


class QuerySerializer(QueryParamsSerializer):
    """Validates `request.query_params`; an error answers 400 `invalid_parameter` naming the parameter, and a
    single-valued parameter given twice is a 400 naming it (`esinv.validation.QueryParamsSerializer`)."""

    @classmethod
    def parse(cls, request) -> dict:
        serializer = cls(data=request.query_params)
        if not serializer.is_valid():
            field, errors = next(iter(serializer.errors.items()))
            message = str(errors[0]) if isinstance(errors, list) and errors else str(errors)
            raw = request.query_params.get(field)
            raise BadRequest(f"{field}: {message}", code="invalid_parameter",
                             details={"field": field, "value": raw[:100] if raw else raw,
                                      "errors": serializer.errors})
        return serializer.validated_data


def _whole_number(raw: str, field: str, low: int, high: int) -> int:
    if not is_plain_int(raw) or not low <= int(raw) <= high:
        raise serializers.ValidationError(f"{field} must be a whole number from {low} to {high}.")
    return int(raw)


# --- query parameters ---------------------------------------------------------------------------------

class TrendsQuerySerializer(QuerySerializer):
    start_date = DateParam(required=False, help_text="Default: 30 days before end_date.")
    end_date = DateParam(required=False, help_text="Default: the latest reconciled date.")


class ExceptionListQuerySerializer(QuerySerializer):
    """GET /api/exceptions: filters, and either `page`/`page_size` or the older `limit`/`offset`."""

    type = _TypesParam(required=False, allow_blank=True, help_text="MISSING_NINJA or missing_in_ninja (comma list).")
    status = _WordParam(STATUS_VALUES, required=False, allow_blank=True, help_text=(
        "One of: " + ", ".join(STATUS_VALUES) + ". `open` (= `unresolved`) is every exception not resolved "
        "(variance_status active or manually_fixed); `active` is open and not marked manually fixed; "
        "`resolved` is resolved however; `collector_verified` resolved by a verified manual fix."))
    resolved = _WordParam(BOOL_CHOICES, required=False, allow_blank=True,
                          help_text="Older spelling: true = status resolved, false = status open.")
    organization = serializers.CharField(required=False, allow_blank=True, help_text="Organization id or name.")
    hostname = serializers.CharField(required=False, allow_blank=True, help_text="Part of a hostname.")
    date = DateParam(required=False, help_text="Report date (default: the latest).")
    new_since = DateParam(required=False, help_text="Only exceptions first found (date_found) on or after this date.")
    last_seen_before = DateParam(required=False, help_text=(
        "Only exceptions last seen before this date (gone by then). With `date` = the previous report date and "
        "this = the latest: the exceptions gone since the previous report (`gone_since_previous`)."))
    ordering = _WordParam(ORDERING_VALUES, required=False, allow_blank=True, help_text=(
        "Sort order, one of: " + ", ".join(ORDERING_VALUES) + " (`-` for descending; default `type`). "
        "`organization` sorts by client name, `hostname` by the clean hostname, `days_open` by days from "
        "date_found to the report date."))
    page = WholeNumberParam(1, MAX_ID, required=False, help_text="Page number (from 1).")
    page_size = WholeNumberParam(1, lambda: settings.ESINV_MAX_PAGE_SIZE, required=False,
                                 help_text="Rows per page (default ESINV_PAGE_SIZE, at most ESINV_MAX_PAGE_SIZE).")
    limit = WholeNumberParam(1, lambda: settings.ESINV_MAX_PAGE_SIZE, required=False,
                             help_text="Older spelling of page_size.")
    offset = WholeNumberParam(0, MAX_OFFSET, required=False,
                              help_text="Rows to skip (older paging), 0 to 1,000,000,000.")

    def validate_type(self, value):
        return parse_types(value)

    def validate_status(self, value):
        return parse_status(value)

    def validate_resolved(self, value):
        return parse_bool(value, "resolved", default=None) if value.strip() else None

    def validate_ordering(self, value):
        return parse_ordering(value)

    def validate(self, attrs):
        status, resolved = attrs.get("status"), attrs.get("resolved")
        if status and resolved is not None and status not in RESOLVED_STATUSES[resolved]:
            raise serializers.ValidationError(
                {"resolved": f"resolved={str(resolved).lower()} contradicts status={status}."})
        limit, page_size = attrs.get("limit"), attrs.get("page_size")
        if limit is not None and page_size is not None and limit != page_size:
            raise serializers.ValidationError({"limit": "limit and page_size disagree; send one of them."})
        size = limit or page_size or settings.REST_FRAMEWORK["PAGE_SIZE"]
        offset, page = attrs.get("offset"), attrs.get("page")
        if offset is not None and page is not None and offset != (page - 1) * size:
            raise serializers.ValidationError({"offset": "offset and page disagree; send one of them."})
        # Offset paging when an older parameter is used, else the usual page numbers.
        window = None
        if limit is not None or offset is not None:
            window = (offset if offset is not None else (page - 1) * size if page else 0, size)
        filters = ExceptionFilter(types=tuple(attrs["type"]) if attrs.get("type") else None, status=status,
                                  organization=(attrs.get("organization") or "").strip(),
                                  hostname=(attrs.get("hostname") or "").strip(), date=attrs.get("date"),
                                  resolved=resolved, new_since=attrs.get("new_since"),
                                  last_seen_before=attrs.get("last_seen_before"))
        return {"filters": filters, "window": window, "ordering": attrs.get("ordering")}


class ExportQuerySerializer(QuerySerializer):
    """The export endpoints' parameters (validated by `variances.export_data`), and `async`."""

    date = _ReportDateParam(required=False, allow_blank=True,
                            help_text="`latest` (default) or a reconciled date YYYY-MM-DD.")
    include_resolved = _WordParam(BOOL_CHOICES, required=False, allow_blank=True,
                                  help_text="Include resolved exceptions (default false).")
    variance_type = _WordParam([*VARIANCE_TYPE_CHOICES, *(kind.code for kind in T.KINDS)], required=False,
                               allow_blank=True,
                               help_text="`all` (default), a variance type, or its code (MISSING_NINJA).")
    organization = serializers.CharField(required=False, allow_blank=True,
                                         help_text="Organization name (case-insensitive) or id.")
    meta = _WordParam(BOOL_CHOICES, required=False, allow_blank=True,
                      help_text="CSV: `true` puts the metadata block (report date, filters, counts, "
                                "generated at), then an empty line, before the header. Default "
                                "`false`: the first line is the header. Excel and PDF always carry their summary.")
    # Declared with its Python name; `async` is a keyword (see get_fields).
    async_ = _WordParam(BOOL_CHOICES, required=False, allow_blank=True,
                        help_text="Excel and PDF: `true` runs a background job (202 + status URL), like "
                                  "`Prefer: respond-async`. CSV always streams.")

    def get_fields(self):
        fields = super().get_fields()
        fields["async"] = fields.pop("async_")
        return fields

    def validate(self, attrs):
        return {"request": parse_export_request(attrs),
                "async": parse_bool(attrs.get("async"), "async", default=False)}


# --- responses --------------------------------------------------------------------------------------


class DataStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReportStatus)
    message = serializers.CharField()
    latest_date = serializers.DateField(allow_null=True)


class DuplicateEntrySerializer(serializers.Serializer):
    """One copy of a duplicate (docs/variances.md, "Duplicate entries"); newest last contact first."""

    vendor = serializers.CharField(allow_null=True, help_text="ninja or threatlocker.")
    vendor_device_id = serializers.CharField(allow_blank=True,
                                             help_text="NinjaOne device id / ThreatLocker computerId.")
    hostname = serializers.CharField(allow_blank=True, help_text="The hostname exactly as that vendor has it.")
    display_name = serializers.CharField(allow_blank=True)
    organization = serializers.CharField(allow_null=True)
    site = serializers.CharField(allow_blank=True, help_text="The vendor's location (NinjaOne); often empty.")
    last_contact = serializers.DateTimeField(allow_null=True)
    os = serializers.CharField(allow_blank=True)
    agent_version = serializers.CharField(allow_blank=True, help_text="Empty when the vendor gives none.")
    console_url = serializers.URLField(allow_null=True, help_text="The device in the vendor's console.")
    stale = serializers.BooleanField(help_text="Older last contact than the newest copy: the one to remove.")


class ReportDeviceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Exception id (for resolve / mark-manually-fixed).")
    hostname = serializers.CharField(help_text="Canonical key.")
    ninja_hostname = serializers.CharField(allow_null=True, help_text="Use for NinjaOne API calls.")
    threatlocker_hostname = serializers.CharField(allow_null=True, help_text="Clean; use for ThreatLocker calls.")
    ninja_display_name = serializers.CharField(allow_null=True)
    threatlocker_display_name = serializers.CharField(allow_null=True)
    display_name = serializers.CharField(allow_null=True)
    organization = serializers.CharField()
    ninja_organization = serializers.CharField(allow_null=True)
    threatlocker_organization = serializers.CharField(allow_null=True)
    billing_status = serializers.CharField(allow_null=True)
    vendor = serializers.CharField(help_text="Ninja, ThreatLocker or Both: where to act.")
    action = serializers.CharField(help_text="What staff should do.")
    status = serializers.ChoiceField(choices=["open", "resolved"], help_text="open or resolved (docs/variances.md).")
    variance_status = serializers.ChoiceField(choices=["active", "manually_fixed", "collector_verified", "resolved"])
    resolved = serializers.BooleanField()
    resolution = serializers.CharField(allow_null=True)
    date_found = serializers.DateField()
    last_seen = serializers.DateField()
    duplicate_count = serializers.IntegerField(required=False, help_text="Duplicates only: the number of copies.")
    entries = DuplicateEntrySerializer(many=True, required=False, help_text="Duplicates only: one per copy.")


class ReportSectionSerializer(serializers.Serializer):
    total_count = serializers.IntegerField()
    by_organization = serializers.DictField(child=ReportDeviceSerializer(many=True))


class ReportSummarySerializer(serializers.Serializer):
    total_exceptions = serializers.IntegerField()
    unresolved_count = serializers.IntegerField()
    resolved_count = serializers.IntegerField()
    by_type = serializers.DictField(child=serializers.IntegerField())
    new_since_previous = serializers.DictField(child=serializers.IntegerField(), help_text=(
        "By variance type: exceptions present on report_date and first found on it."))
    gone_since_previous = serializers.DictField(child=serializers.IntegerField(), help_text=(
        "By variance type: exceptions present on previous_report_date and gone on report_date."))


VarianceReportSerializer = type(
    "VarianceReportSerializer",
    (serializers.Serializer,),
    {
        "report_date": serializers.DateField(allow_null=True),
        "previous_report_date": serializers.DateField(allow_null=True,
                                                      help_text="The reconciled date before report_date."),
        "data_status": DataStatusSerializer(),
        "summary": ReportSummarySerializer(),
        "filter": serializers.ChoiceField(choices=ReportFilter),
        **{kind.api_name: ReportSectionSerializer() for kind in T.KINDS},
    },
)


class DateRangeSerializer(serializers.Serializer):
    earliest = serializers.DateField(allow_null=True)
    latest = serializers.DateField(allow_null=True)


class DateQualitySerializer(serializers.Serializer):
    reconciled = serializers.BooleanField()
    quality = serializers.ChoiceField(choices=DataQuality)
    ninja_devices = serializers.IntegerField(allow_null=True)
    threatlocker_devices = serializers.IntegerField(allow_null=True)
    total_exceptions = serializers.IntegerField(allow_null=True)


class AvailableDatesSerializer(serializers.Serializer):
    available_dates = serializers.ListField(child=serializers.DateField())
    date_range = DateRangeSerializer()
    total_dates = serializers.IntegerField()
    data_quality = serializers.DictField(child=DateQualitySerializer())


class TrendDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    new = serializers.IntegerField()
    resolved = serializers.IntegerField()
    ninja_devices = serializers.IntegerField()
    threatlocker_devices = serializers.IntegerField()


class TrendsSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    days = serializers.IntegerField()
    trends = TrendDaySerializer(many=True)
    average_by_type = serializers.DictField(child=serializers.FloatField())


class TypeCountsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()
    total = serializers.IntegerField()


class StatusSummarySerializer(serializers.Serializer):
    report_date = serializers.DateField(allow_null=True)
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_type = serializers.DictField(child=TypeCountsSerializer())


class ExceptionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExceptionEvent
        fields = ["at", "report_date", "action", "actor", "from_status", "to_status", "notes"]


class ExceptionSerializer(serializers.ModelSerializer):
    """An exception with its details flattened like a report row, and its history."""

    variance_type = serializers.CharField(read_only=True)
    organization = serializers.SerializerMethodField()
    ninja_hostname = serializers.SerializerMethodField()
    threatlocker_hostname = serializers.SerializerMethodField()
    ninja_display_name = serializers.SerializerMethodField()
    threatlocker_display_name = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()
    history = ExceptionEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = ExceptionRecord
        fields = [
            "id", "type", "variance_type", "canonical_key", "hostname", "ninja_hostname", "threatlocker_hostname",
            "ninja_display_name", "threatlocker_display_name", "organization", "organization_id",
            "date_found", "last_seen", "status", "variance_status", "resolution", "resolved_at", "resolved_by",
            "manually_fixed_at", "manually_fixed_by", "failed_fix_count", "notes", "details", "entries", "history",
        ]

    def get_organization(self, obj) -> str | None:
        return obj.organization.name if obj.organization_id else obj.details.get("organization")

    @extend_schema_field(DuplicateEntrySerializer(many=True))
    def get_entries(self, obj) -> list[dict]:
        """Duplicates: one entry per copy (empty for other types)."""
        return duplicates.entries(obj.details, obj.type)

    def get_ninja_hostname(self, obj) -> str | None:
        return obj.details.get("ninja_hostname")

    def get_threatlocker_hostname(self, obj) -> str | None:
        return obj.details.get("threatlocker_hostname")

    def get_ninja_display_name(self, obj) -> str | None:
        return obj.details.get("ninja_display_name")

    def get_threatlocker_display_name(self, obj) -> str | None:
        return obj.details.get("threatlocker_display_name")


# --- request bodies ------------------------------------------------------------------------------------

class NotesSerializer(serializers.Serializer):
    """Body of resolve / mark-manually-fixed: a JSON object, `notes` text if present."""

    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=4000)


class _FilterTypesField(StrictCharField):
    """A comma list of exception types (codes or API names, checked by `parse_types`)."""

    def openapi_schema(self) -> dict:
        return types_pattern()


class _FilterStatusField(StrictCharField):
    """A status word (checked by `parse_status`); blank is no filter."""

    def openapi_schema(self) -> dict:
        return {"enum": [*STATUS_VALUES, ""]}  # blank: no filter


class _FilterDateField(StrictCharField):
    """YYYY-MM-DD (checked by `esinv.params.parse_date`); blank is no filter."""

    def openapi_schema(self) -> dict:
        return {"pattern": ISO_DATE_PATTERN, "example": "2025-10-01"}


class BulkFilterSerializer(serializers.Serializer):
    type = _FilterTypesField(required=False, allow_blank=True)
    status = _FilterStatusField(required=False, allow_blank=True)
    organization = StrictCharField(required=False, allow_blank=True)
    hostname = StrictCharField(required=False, allow_blank=True)
    date = _FilterDateField(required=False, allow_blank=True, help_text="Report date; default the latest.")
    new_since = _FilterDateField(required=False, allow_blank=True, help_text="First found on or after (YYYY-MM-DD).")
    last_seen_before = _FilterDateField(required=False, allow_blank=True, help_text="Last seen before (YYYY-MM-DD).")

    def validate(self, attrs):
        return ExceptionFilter.parse(attrs)  # unknown type or status, bad date: 400 naming it


class BulkUpdateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Action.CHOICES)
    ids = serializers.ListField(child=StrictIntegerField(min_value=1, max_value=MAX_ID), required=False,
                                allow_empty=False)
    filter = BulkFilterSerializer(required=False)
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=4000)

    ONE_OF = ("ids", "filter")

    def openapi_rules(self) -> dict:
        return exactly_one_of(*self.ONE_OF)

    def validate(self, attrs):
        if sum(name in attrs for name in self.ONE_OF) != 1:
            raise serializers.ValidationError("Send either ids or a filter (exactly one).")
        return attrs


class ActionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()


class BulkUpdateResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    action = serializers.CharField()
    updated = serializers.IntegerField()
    results = ActionResultSerializer(many=True)


class ExceptionActionResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    exception = ExceptionSerializer()


class ExportJobSerializer(serializers.ModelSerializer):
    """An export job's status and progress; `download_url` once the file is ready."""

    job_id = serializers.IntegerField(source="pk")
    format = serializers.ChoiceField(choices=list(FORMATS))
    status = serializers.ChoiceField(choices=ExportStatus.values())
    filters = serializers.DictField()
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text="Set once the file is ready.")

    class Meta:
        model = ExportJob
        fields = ["job_id", "format", "status", "progress_percent", "message", "row_count", "error", "filters",
                  "requested_by", "created_at", "started_at", "finished_at", "file_name", "file_size",
                  "status_url", "download_url"]

    def get_status_url(self, job) -> str:
        return job_status_url(job)

    def get_download_url(self, job) -> str | None:
        return f"{job_status_url(job)}/download" if job.status == ExportStatus.COMPLETED else None


class ExportAcceptedSerializer(serializers.Serializer):
    """202 answer of an export run as a background job."""

    job_id = serializers.IntegerField()
    status = serializers.CharField()
    status_url = serializers.CharField()
    download_url = serializers.CharField(help_text="Answers 404 until the job has completed.")

    @classmethod
    def of(cls, job: ExportJob) -> dict:
        status_url = job_status_url(job)
        return {"job_id": job.pk, "status": job.status, "status_url": status_url,
                "download_url": f"{status_url}/download"}


def job_status_url(job: ExportJob) -> str:
    return f"/api/variances/export/jobs/{job.pk}"
