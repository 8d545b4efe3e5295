"""Assess every NinjaOne Windows workstation of the latest snapshot and store the results.

One run: take the database lock (a `running` Windows11Run row; a partial
unique constraint allows only one), read the latest NinjaOne day's Windows
workstations in one query (only the fact columns), decide each distinct CPU
once, assess every device with the plain engine, then replace the stored
assessments set-wise (one DELETE and the bulk insert of `esinv.bulk`) in one transaction
together with the run's counts.
"""
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, fields
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from esinv.bulk import insert_rows
from inventory.models import Snapshot, Vendor, Windows11Assessment, Windows11Run
from inventory.queries import latest_snapshot_date
from inventory.signals import send_windows11_run_failed
from inventory.windows11.engine import (
    ALREADY_ON_24H2,
    COMPATIBLE,
    INCOMPATIBLE,
    NOT_ASSESSED,
    DeviceFacts,
    category_of,
    combine,
    evaluate,
    is_24h2_or_later,
    parse_build,
)
from inventory.windows11.overrides import CpuResolver

log = logging.getLogger(__name__)

FACT_FIELDS = (
    "cpu_model", "cpu_logical_cores", "cpu_max_clock_mhz", "memory_bytes", "system_volume_bytes", "os_name",
    "os_architecture", "os_build", "tpm_present", "tpm_enabled", "tpm_version", "secure_boot_capable", "secure_boot",
)
ROW_FIELDS = (
    "vendor_device_id", "device_id", "organization_id", "clean_hostname", "hostname", "display_name",
    "manufacturer", "model", "last_contact", "last_update", *FACT_FIELDS,
)

# build_assessments passes the fact columns positionally: keep the orders in step.
assert tuple(f.name for f in fields(DeviceFacts)) == FACT_FIELDS


class AssessmentAlreadyRunning(Exception):
    def __init__(self, run):
        self.run = run
        started = f" (started {run.started_at:%Y-%m-%d %H:%M:%S} UTC by {run.trigger})" if run else ""
        super().__init__(f"A Windows 11 assessment is already running{started}.")


class NoNinjaData(Exception):
    pass


@dataclass
class RunSummary:
    run: Windows11Run

    @property
    def compatibility_rate(self) -> float:
        return compatibility_rate(self.run.hardware_compatible_devices, self.run.total_devices)

    def output(self) -> str:
        run = self.run
        stamp = timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M:%S")
        return (
            f"{stamp} - INFO - Assessment complete:\n"
            f"  - NinjaOne snapshot date: {run.snapshot_date}\n"
            f"  - Total devices assessed: {run.total_devices}\n"
            f"  - Compatible devices: {run.compatible_devices}\n"
            f"  - Incompatible devices: {run.incompatible_devices}\n"
            f"  - Not assessed (missing data): {run.not_assessed_devices}\n"
            f"  - Already on 24H2: {run.already_on_24h2_devices} "
            f"(on unsupported hardware: {run.on_24h2_unsupported_devices})\n"
            f"  - Compatibility rate: {self.compatibility_rate}%\n"
            f"  - Duration: {run.duration_seconds:.2f} s"
        )

    def as_dict(self) -> dict:
        run = self.run
        return {
            "status": "success", "run_id": run.pk, "snapshot_date": str(run.snapshot_date),
            "total_devices": run.total_devices, "compatible_devices": run.compatible_devices,
            "incompatible_devices": run.incompatible_devices, "not_assessed_devices": run.not_assessed_devices,
            "already_on_24h2_devices": run.already_on_24h2_devices,
            "on_24h2_unsupported_devices": run.on_24h2_unsupported_devices,
            "compatibility_rate": self.compatibility_rate,
            "duration_seconds": run.duration_seconds,
        }


def compatibility_rate(compatible: int, total: int) -> float:
    """Devices whose hardware meets every requirement (compatible, or already on 24H2 on compatible
    hardware) as a percentage of all assessed Windows devices, one decimal."""
    return round(100.0 * compatible / total, 1) if total else 0.0


def start_run(trigger: str, actor: str = "") -> Windows11Run:
    """Take the run lock or raise AssessmentAlreadyRunning. Dead runs past the stale limit are released first."""
    now = timezone.now()
    stale_before = now - timedelta(minutes=settings.ESINV_WIN11_RUN_STALE_MINUTES)
    for pk in Windows11Run.objects.filter(status=Windows11Run.RUNNING, started_at__lt=stale_before).values_list(
            "pk", flat=True):
        # Conditional: of two processes starting at once, the one that marks it says so.
        if Windows11Run.objects.filter(pk=pk, status=Windows11Run.RUNNING).update(
                status=Windows11Run.FAILED, finished_at=now,
                message=f"Abandoned: still running after {settings.ESINV_WIN11_RUN_STALE_MINUTES} minutes."):
            send_windows11_run_failed(pk)
    try:
        with transaction.atomic():
            return Windows11Run.objects.create(status=Windows11Run.RUNNING, trigger=trigger, actor=actor,
                                               started_at=now)
    except IntegrityError:
        raise AssessmentAlreadyRunning(Windows11Run.objects.filter(status=Windows11Run.RUNNING).first()) from None


def windows_rows(day):
    """The latest NinjaOne day's Windows workstations, as tuples of ROW_FIELDS (no model instances: 50k rows).

    The two timestamps are read as the database's own text (a Cast): they are
    only copied into the assessment, so parsing and re-formatting 100,000
    datetimes would be wasted work. Both backends take that text back as is.
    """
    text = {name: Cast(name, output_field=CharField()) for name in ("last_contact", "last_update")}
    return (
        Snapshot.objects.filter(vendor_id=Vendor.NINJA, snapshot_date=day,
                                node_class__in=settings.ESINV_WIN11_NODE_CLASSES)
        .order_by()
        .annotate(**{f"{name}_text": expr for name, expr in text.items()})
        .values_list(*(f"{name}_text" if name in text else name for name in ROW_FIELDS))
    )


# The stored columns, in the order build_assessments produces them.
ASSESSMENT_FIELDS = (
    "run", "device", "vendor_device_id", "hostname", "display_name", "organization", "status", "category",
    "already_on_24h2",
    "os_name", "os_build", "passed_requirements", "deficiencies", "deficiency_codes", "missing_facts",
    "missing_codes", "cpu_verdict", "cpu_rule", "cpu_reason", "cpu_model", "system_manufacturer", "system_model",
    "last_contact", "last_update", "snapshot_date", "assessment_date",
)

# Columns build_assessments hands over already in database form (JSON text, adapted dates).
PRE_ADAPTED = frozenset(ASSESSMENT_FIELDS.index(name) for name in (
    "passed_requirements", "deficiencies", "missing_facts", "last_contact", "last_update", "snapshot_date",
    "assessment_date"))


def build_assessments(rows, resolver: CpuResolver, run_id: int, day, now) -> list[tuple]:
    """One tuple of ASSESSMENT_FIELDS per snapshot row (the engine's verdict plus copied facts), ready for
    `insert_rows` with PRE_ADAPTED columns.

    Fleets repeat themselves, so work is memoised at two levels: the engine's
    checks are cached per fact value (shared outcome objects), and the
    combined verdict with its JSON is built once per distinct outcome tuple.
    """
    n_meta = len(ROW_FIELDS) - len(FACT_FIELDS)
    cpu_at = n_meta + FACT_FIELDS.index("cpu_model")
    by_outcomes: dict[tuple, tuple] = {}
    out = []
    append = out.append
    for row in rows:
        facts = DeviceFacts(*row[n_meta:])
        cpu = resolver.resolve(row[cpu_at])
        outcomes = evaluate(facts, cpu)
        verdict = by_outcomes.get(outcomes)
        if verdict is None:
            result = combine(outcomes)
            # JSON is encoded once per distinct verdict, not once per device.
            verdict = by_outcomes[outcomes] = (
                result.status, json.dumps(result.passed), json.dumps(result.deficiencies),
                _codes(result.deficiency_codes), json.dumps(result.missing),
                _codes([m["requirement"] for m in result.missing]),
            )
        (vendor_device_id, device_id, organization_id, clean_hostname, hostname, display_name, manufacturer,
         model, last_contact, last_update) = row[:n_meta]
        status, passed, deficiencies, deficiency_codes, missing, missing_codes = verdict
        on_24h2 = is_24h2_or_later(parse_build(facts.os_build))
        append((run_id, device_id, vendor_device_id, clean_hostname or hostname, display_name, organization_id,
                status, category_of(status, on_24h2), on_24h2, facts.os_name, facts.os_build, passed,
                deficiencies, deficiency_codes, missing, missing_codes, cpu.verdict, cpu.rule, cpu.reason[:300],
                facts.cpu_model, manufacturer, model, last_contact, last_update, day, now))
    return out


def _codes(codes) -> str:
    """"|a|b|" so that one LIKE '%|a|%' finds a code on SQLite and PostgreSQL alike."""
    return f"|{'|'.join(codes)}|" if codes else ""


def run_assessment(trigger: str = "manual", actor: str = "") -> RunSummary:
    """Assess and store; raises NoNinjaData or AssessmentAlreadyRunning."""
    day = latest_snapshot_date(Vendor.NINJA)
    if day is None:
        raise NoNinjaData("No NinjaOne snapshot has been collected yet: run the NinjaOne collector first.")
    run = start_run(trigger, actor)
    started = time.perf_counter()
    try:
        now = timezone.now()
        rows = build_assessments(windows_rows(day).iterator(chunk_size=5000), CpuResolver.from_database(), run.pk,
                                 connection.ops.adapt_datefield_value(day),
                                 connection.ops.adapt_datetimefield_value(now))
        status_at, category_at = ASSESSMENT_FIELDS.index("status"), ASSESSMENT_FIELDS.index("category")
        counts = Counter(row[category_at] for row in rows)
        on_24h2_hardware = Counter(row[status_at] for row in rows if row[category_at] == ALREADY_ON_24H2)
        with transaction.atomic():
            # The assessments are the latest verdicts only: replaced as a set, never half a run.
            Windows11Assessment.objects.all().delete()
            insert_rows(Windows11Assessment, ASSESSMENT_FIELDS, rows, adapted=PRE_ADAPTED)
            run.status = Windows11Run.COMPLETED
            run.finished_at = timezone.now()
            run.duration_seconds = round(time.perf_counter() - started, 3)
            run.snapshot_date = day
            run.total_devices = len(rows)
            run.compatible_devices = counts[COMPATIBLE]
            run.incompatible_devices = counts[INCOMPATIBLE]
            run.not_assessed_devices = counts[NOT_ASSESSED]
            run.already_on_24h2_devices = counts[ALREADY_ON_24H2]
            run.on_24h2_unsupported_devices = on_24h2_hardware[INCOMPATIBLE]
            run.hardware_compatible_devices = counts[COMPATIBLE] + on_24h2_hardware[COMPATIBLE]
            run.message = "Windows 11 24H2 assessment completed successfully"
            run.save()
    except Exception as exc:
        log.exception("Windows 11 assessment failed")
        Windows11Run.objects.filter(pk=run.pk).update(
            status=Windows11Run.FAILED, finished_at=timezone.now(),
            duration_seconds=round(time.perf_counter() - started, 3), message=f"{type(exc).__name__}: {exc}"[:2000],
        )
        send_windows11_run_failed(run.pk)
        raise
    summary = RunSummary(run)
    log.info("Windows 11 assessment: %s", summary.as_dict())
    return summary
