"""Collectors by name, and what runs after a batch.

A collector is a function `run(context) -> counts` (see `collectors.context`)
registered under a short name. NinjaOne and ThreatLocker are built in; another
app adds one with `register(CollectorSpec(...))` from its `AppConfig.ready()`
(qbr registers ConnectWise Manage that way), and it then appears in the run
endpoint, the `collect` command, the schedules and the admin by name.

What follows a batch belongs to the apps that consume the data, not to
`collectors`: an app registers an after-batch hook with
`register_batch_hook(BatchHook(...))` from its `AppConfig.ready()` (variances
registers the cross-vendor reconciliation). `collectors` imports none of its
consumers; see docs/collectors.md, "After a batch".

Functions are dotted paths resolved when they run, so registering imports
nothing heavy and no app import order matters.
"""
from dataclasses import dataclass, field

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class CollectorSpec:
    name: str  # "ninja": what API callers and commands use
    label: str  # "NinjaOne": what people read
    job_name: str  # "ninja-collector": the job name health reports carry
    run: str  # dotted path of `run(context) -> dict`
    vendor_id: int | None = None  # the inventory Vendor it fills, if any
    aliases: tuple[str, ...] = ()  # other accepted names
    on_success: tuple[str, ...] = field(default=())  # dotted paths of `hook(job)` run after success
    # Dotted path of `predicate() -> bool`: when it answers True the daily batch includes this collector
    # (e.g. once its credentials are set). Empty: only when named in collectors.schedules.DAILY_COLLECTORS.
    daily_when: str = ""
    # Dotted path of `latest() -> date | None`: the latest day this collector stored, for a collector that fills
    # no inventory vendor's snapshot (the status endpoint's latest_snapshot_date). With vendor_id it is not needed.
    latest_date: str = ""

    def run_function(self):
        return import_string(self.run)

    def success_hooks(self):
        return [import_string(path) for path in self.on_success]

    def latest_snapshot_date(self):
        return import_string(self.latest_date)() if self.latest_date else None

    def runs_daily(self) -> bool:
        return bool(self.daily_when) and bool(import_string(self.daily_when)())


_REGISTRY: dict[str, CollectorSpec] = {}


def register(spec: CollectorSpec) -> CollectorSpec:
    _REGISTRY[spec.name] = spec
    return spec


def get(name: str) -> CollectorSpec | None:
    """The spec for a name or alias (case-insensitive), or None."""
    wanted = (name or "").strip().lower()
    for spec in _REGISTRY.values():
        if wanted == spec.name or wanted in spec.aliases:
            return spec
    return None


def unregister(name: str) -> None:
    """Drop a collector (tests; an app that replaces a built-in)."""
    _REGISTRY.pop(name, None)


def names() -> list[str]:
    return list(_REGISTRY)


def all_specs() -> list[CollectorSpec]:
    return list(_REGISTRY.values())


@dataclass(frozen=True)
class BatchHook:
    """Run once when a batch closes, if the batch asked for the cross-vendor step (`run_cross_vendor`).

    `run` is the dotted path of `hook(batch) -> (status, message) | None`: a pair (a
    `collectors.models.CrossVendorStatus` value and a sentence) is recorded as the batch's
    cross_vendor_status / cross_vendor_message; None records nothing. A hook that raises is logged
    and recorded as failed; it never fails the batch itself.

    `every_batch`: run after every batch, also one that did not ask for the cross-vendor step (billing's
    measured quantities); what such a hook answers is recorded only when the batch asked for that step."""

    name: str  # "reconciliation"
    run: str
    every_batch: bool = False

    def function(self):
        return import_string(self.run)


_BATCH_HOOKS: dict[str, BatchHook] = {}


def register_batch_hook(hook: BatchHook) -> BatchHook:
    _BATCH_HOOKS[hook.name] = hook
    return hook


def batch_hooks() -> list[BatchHook]:
    return list(_BATCH_HOOKS.values())


# Built-in collectors. Vendor ids are inventory.models.Vendor.NINJA / THREATLOCKER.
register(
    CollectorSpec(
        name="ninja",
        label="NinjaOne",
        job_name="ninja-collector",
        run="collectors.ninja_collector.run",
        vendor_id=1,
        aliases=("ninjaone", "ninjarmm"),
        # The Windows 11 assessment reads the NinjaOne snapshot: schedule it after each NinjaOne collection.
        # inventory sits below collectors (it may not import this registry), so the collector names it here.
        on_success=("inventory.windows11.scheduling.schedule_windows11_assessment",),
    )
)
register(
    CollectorSpec(
        name="threatlocker",
        label="ThreatLocker",
        job_name="threatlocker-collector",
        run="collectors.threatlocker_collector.run",
        vendor_id=3,
        aliases=("tl",),
    )
)
# ConnectWise Manage (QBR ticket metrics, vendor 2) is registered by qbr (qbr/apps.py).
