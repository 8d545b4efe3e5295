"""Collector API: the run body and query parameters it accepts (validated here) and the response shapes it
documents (the contract's batch/job fields first)."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from collectors import registry, runs
from collectors.models import BatchStatus, RunStatus
from esinv.errors import BadRequest
from esinv.schema import not_together
from esinv.validation import (
    JSONObjectSerializer,
    QueryParamsSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
)

HISTORY_DEFAULT, HISTORY_MAX = 10, 100


class CollectorJobSerializer(serializers.Serializer):
    job_id = serializers.CharField()
    name = serializers.CharField(help_text="Collector name: ninja, threatlocker.")
    status = serializers.ChoiceField(choices=BatchStatus)
    progress_percent = serializers.IntegerField()
    message = serializers.CharField()
    error = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    label = serializers.SerializerMethodField()
    job_name = serializers.CharField()
    heartbeat_at = serializers.DateTimeField(allow_null=True)
    duration_seconds = serializers.FloatField(allow_null=True)
    counts = serializers.DictField()

    def get_error(self, job) -> str | None:
        return job.error or None

    def get_label(self, job) -> str:
        spec = registry.get(job.name)
        return spec.label if spec else job.name


class CollectorBatchSerializer(serializers.Serializer):
    batch_id = serializers.CharField()
    status = serializers.ChoiceField(choices=BatchStatus)
    progress_percent = serializers.SerializerMethodField()
    message = serializers.CharField()
    collectors = serializers.SerializerMethodField()
    snapshot_date = serializers.DateField()
    run_cross_vendor = serializers.BooleanField()
    confirm_drop = serializers.BooleanField(help_text="Staff accepted a sudden drop in a vendor's device count.")
    cross_vendor_status = serializers.CharField()
    cross_vendor_message = serializers.CharField()
    trigger = serializers.CharField()
    requested_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    duration_seconds = serializers.FloatField(allow_null=True)

    def _jobs(self, batch):
        return list(batch.jobs.all())  # prefetched by the views

    def get_progress_percent(self, batch) -> int:
        if batch.status in RunStatus.ACTIVE:
            jobs = self._jobs(batch)
            return int(sum(job.progress_percent for job in jobs) / len(jobs)) if jobs else 0
        return batch.progress_percent

    @extend_schema_field(CollectorJobSerializer(many=True))
    def get_collectors(self, batch):
        return CollectorJobSerializer(self._jobs(batch), many=True).data


class CollectorNameField(StrictCharField):
    """A collector's name; the schema lists the names `collectors.runs.resolve_names` accepts (checked there)."""

    def openapi_schema(self) -> dict:
        return {"enum": runs.accepted_names()}


class RunRequestSerializer(serializers.Serializer):
    """The run body: which collectors, for which day, and what to do after them. Validated into
    {names, run_cross_vendor, snapshot_date, confirm_drop}."""

    EITHER = ("collectors", "collector")  # one of them, or neither (the default set); never both

    collectors = serializers.ListField(
        child=CollectorNameField(), required=False, allow_empty=False,
        help_text='e.g. ["ninja", "threatlocker"]; default both.',
        error_messages={"not_a_list": "collectors must be a non-empty list of collector names.",
                        "empty": "collectors must be a non-empty list of collector names."})
    collector = CollectorNameField(required=False, help_text='Legacy: "both", "ninja" or "threatlocker".',
                                error_messages={"invalid": 'collector must be "both" or a collector name.',
                                                "blank": 'collector must be "both" or a collector name.'})
    run_cross_vendor = StrictBooleanField(required=False, default=True,
                                          help_text="Run the after-batch step (reconciliation) when it ends.")
    snapshot_date = StrictDateField(
        required=False, allow_null=True,
        help_text="Day to file the snapshot under (default today; not in the future, nor more than "
                  "ESINV_SNAPSHOT_RETENTION_DAYS back).")
    confirm_drop = StrictBooleanField(
        required=False, default=False,
        help_text="Accept a vendor day with more than COLLECTORS_MAX_DROP_PERCENT fewer devices than the previous day.")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise BadRequest(f"Unknown field(s): {', '.join(unknown)}.", code="invalid_parameter",
                                 details={"field": unknown[0]})
            if all(name in data for name in self.EITHER):
                raise BadRequest("Send either collectors (a list) or the legacy collector, not both.",
                                 code="invalid_parameter", details={"field": "collectors"})
        return super().to_internal_value(data)

    def openapi_rules(self) -> dict:
        # The unknown-field refusal and the either/or rule of to_internal_value.
        return {"additionalProperties": False, **not_together(*self.EITHER)}

    def validate_snapshot_date(self, day):
        problem = runs.snapshot_date_problem(day)
        if problem:
            raise BadRequest(f"snapshot_date {problem}", code="invalid_date", details={"field": "snapshot_date"})
        return day

    def validate(self, attrs):
        names = attrs.get("collectors") or ([attrs["collector"]] if "collector" in attrs else None)
        return {"names": names, "run_cross_vendor": attrs["run_cross_vendor"],
                "snapshot_date": attrs.get("snapshot_date"), "confirm_drop": attrs["confirm_drop"]}


class HistoryQuerySerializer(QueryParamsSerializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=HISTORY_MAX, default=HISTORY_DEFAULT,
        help_text=f"Runs to show (default {HISTORY_DEFAULT}).",
        error_messages={key: f"limit must be a whole number from 1 to {HISTORY_MAX}."
                        for key in ("invalid", "min_value", "max_value", "max_string_length")})


class CleanupRequestSerializer(JSONObjectSerializer):
    """No fields: send nothing, or an empty JSON object."""


class RunResponseSerializer(CollectorBatchSerializer):
    success = serializers.BooleanField()
    jobs = CollectorJobSerializer(many=True)
    status_url = serializers.CharField()
    estimated_duration_seconds = serializers.FloatField(allow_null=True)


class WorkerSerializer(serializers.Serializer):
    alive = serializers.BooleanField()
    clusters = serializers.IntegerField()
    workers = serializers.IntegerField()


class CollectorStateSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    last_job = CollectorJobSerializer(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    latest_snapshot_date = serializers.DateField(allow_null=True)


class StatusSerializer(serializers.Serializer):
    is_running = serializers.BooleanField()
    running_batch = CollectorBatchSerializer(allow_null=True)
    last_batch = CollectorBatchSerializer(allow_null=True)
    collectors = CollectorStateSerializer(many=True)
    worker = WorkerSerializer()
    stale_jobs = serializers.ListField(child=serializers.CharField(),
                                       help_text="Jobs stale now, failed by the next cleanup (reads never clean).")
    stale_jobs_cleaned = serializers.ListField(child=serializers.CharField(),
                                               help_text="Always empty: kept for older dashboards.")
    timestamp = serializers.DateTimeField()


class HistorySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = CollectorBatchSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    is_running = serializers.BooleanField()
    process_running = serializers.BooleanField(help_text="A worker is alive or a job heart-beat recently.")
    worker = WorkerSerializer()
    batch_id = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    progress_percent = serializers.IntegerField()
    message = serializers.CharField()
    collectors = CollectorJobSerializer(many=True)
    stale_jobs = serializers.ListField(child=serializers.CharField(),
                                       help_text="Jobs stale now, failed by the next cleanup (reads never clean).")
    stale_jobs_cleaned = serializers.ListField(child=serializers.CharField(),
                                               help_text="Always empty: kept for older dashboards.")
    timestamp = serializers.DateTimeField()


class CleanupSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    cleaned = serializers.IntegerField()
    job_ids = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()
