"""Collectors by name.

A collector is a function `run(context) -> counts` (see `collectors.context`)
registered under a short name. NinjaOne and ThreatLocker are built in; another
one (ConnectWise Manage for QBR) is one more `register(CollectorSpec(...))`
call, e.g. from its app's `AppConfig.ready()`, and then appears in the run
endpoint, the `collect` command, the schedules and the admin by name.

Functions are dotted paths resolved when a job runs, so registering imports
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

    def run_function(self):
        return import_string(self.run)

    def success_hooks(self):
        return [import_string(path) for path in self.on_success]


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


def names() -> list[str]:
    return list(_REGISTRY)


def all_specs() -> list[CollectorSpec]:
    return list(_REGISTRY.values())


# Built-in collectors. Vendor ids are inventory.models.Vendor.NINJA / THREATLOCKER.
register(
    CollectorSpec(
        name="ninja",
        label="NinjaOne",
        job_name="ninja-collector",
        run="collectors.ninja_collector.run",
        vendor_id=1,
        aliases=("ninjaone", "ninjarmm"),
        on_success=("collectors.followups.schedule_windows11_assessment",),
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
# ConnectWise Manage: QBR reactive ticket metrics (qbr.MonthlyMetric, vendor 2), see docs/connectwise.md.
register(
    CollectorSpec(
        name="connectwise",
        label="ConnectWise",
        job_name="connectwise-collector",
        run="collectors.connectwise_collector.run",
        vendor_id=2,
        aliases=("cw", "psa", "connectwise-manage"),
    )
)
