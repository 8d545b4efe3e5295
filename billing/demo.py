"""The demo's billing data, from the bundled simulators (`manage.py demo_billing`, run by bin/demo).

Plain functions, each idempotent:

- `register_tenants(path)`: the Graph simulator's tenants (the CSV `simulate_vendors --graph-tenants` writes) onto
  the demo organizations, through the tenants import (`billing.m365.tenants`; nothing written unless every row
  matches an organization, so the NinjaOne collection must have run first);
- `seed_billing_map()`: the billing map's MSP-wide defaults (`billing_map.seed_defaults`, existing rules kept);
- `collect_days(days)`: the `microsoft365` and `connectwise_agreements` collectors for each demo day, oldest first,
  through the real collector path (`manage.py collect --vendor ... --date ...`: a batch, its jobs, the checks and
  the atomic day, then the measures' after-batch hook); a day that already has both is skipped unless `force`;
- `measure_days(days)`: the measured quantities and billing variances of every demo day (`measures.measure_day`,
  `variances.reconcile_billing`), also for skipped days.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

from billing.billing_map import seed_defaults
from billing.m365.tenants import install_tenants, parse_tenant_lines
from billing.measures import measure_day
from billing.models import CWAgreement, M365Sku
from billing.variances import reconcile_billing

COLLECTORS = ("microsoft365", "connectwise_agreements")


@dataclass
class DemoBilling:
    tenants: dict = field(default_factory=dict)
    rules_created: list[str] = field(default_factory=list)
    collected: list[date] = field(default_factory=list)
    skipped: list[date] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    measured: dict = field(default_factory=dict)


def demo_days(days: int, today: date) -> list[date]:
    """The last `days` days (at least today), oldest first."""
    return [today - timedelta(days=offset) for offset in range(max(1, days) - 1, -1, -1)]


def register_tenants(path: str) -> dict:
    """The simulator's organization,tenant_id CSV onto the organizations: {"created", "updated", "unchanged", ...}.
    Raises TenantFileError (every problem listed) or OSError."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return install_tenants(parse_tenant_lines(handle))


def seed_billing_map() -> list[str]:
    return seed_defaults()[0]


def collected(day: date) -> bool:
    return M365Sku.objects.filter(snapshot_date=day).exists() and CWAgreement.objects.filter(snapshot_date=day).exists()


def collect_days(days: list[date], *, force: bool = False, out=None) -> tuple[list[date], list[date], list[str]]:
    """(collected days, skipped days, failures): each collector's batch per day, without the cross-vendor step."""
    done, skipped, failures = [], [], []
    for day in days:
        if not force and collected(day):
            skipped.append(day)
            continue
        for name in COLLECTORS:
            # The collect command's progress lines are kept back; its result (the job's message) is shown.
            buffer = StringIO()
            try:
                call_command("collect", vendor=name, date=day.isoformat(), no_cross_vendor=True,
                             stdout=buffer, stderr=buffer)
            except CommandError as exc:
                failures.append(f"{day} {name}: {exc}")
                continue
            lines = [line.strip() for line in buffer.getvalue().splitlines() if line.strip()]
            if out is not None and len(lines) >= 2:
                out.write(f"{day}: {lines[-2]}\n")  # the job's message; the last line is the batch's
        done.append(day)
    return done, skipped, failures


def measure_days(days: list[date]) -> dict[date, int]:
    """Measure each day, oldest first, and reconcile its billing variances on those measures (what the after-batch
    hook does), so skipped days are as a collection would leave them."""
    measured = {}
    for day in sorted(days):
        measured[day] = measure_day(day)
        reconcile_billing(day)
    return measured


def demo_billing(tenants_file: str, *, days: int, today: date, force: bool = False, out=None) -> DemoBilling:
    """Everything above in order; raises TenantFileError or OSError when the tenants cannot be registered."""
    result = DemoBilling(tenants=register_tenants(tenants_file), rules_created=seed_billing_map())
    wanted = demo_days(days, today)
    result.collected, result.skipped, result.failures = collect_days(wanted, force=force, out=out)
    result.measured = measure_days(wanted)
    return result
