"""The bundled vendor simulators as the tests use them, in one place: served for a fixture's lifetime, the hub's
settings pointed at them, retries that do not wait, and a `sleep` that records instead of sleeping."""

# Tiny backoff so retry tests do not sleep; heartbeats written on every report.
FAST = {"COLLECTORS_BACKOFF_SECONDS": 0.001, "COLLECTORS_BACKOFF_MAX_SECONDS": 0.005, "COLLECTORS_HEARTBEAT_SECONDS": 0}


def serving(simulator):
    """Start a simulator (or `VendorSimulators`) and stop it when the fixture ends: `yield from serving(sim)`."""
    started = simulator.start()
    try:
        yield started
    finally:
        started.stop()


def fast_settings(settings, **overrides):
    """FAST, then `overrides` (retries, read timeout, ...), set on pytest-django's `settings`. Returns `settings`."""
    for name, value in {**FAST, **overrides}.items():
        setattr(settings, name, value)
    return settings


def point_at(simulator, settings, *, fast=True, **overrides):
    """Point the hub's `settings` (pytest-django's fixture) at a running simulator; with `fast`, the tiny backoff
    of FAST; then `overrides` (page sizes, retries, ...). Returns the simulator."""
    for name, value in {**simulator.settings(), **(FAST if fast else {}), **overrides}.items():
        setattr(settings, name, value)
    return simulator


class SleepRecorder(list):
    """A `sleep` that records instead of sleeping."""

    def __call__(self, seconds):
        self.append(seconds)


def reset_vendor_simulators(simulators):
    """Back to a clean NinjaOne and ThreatLocker (`VendorSimulators`): no faults planted, today's data."""
    simulators.ninja.faults.clear()
    simulators.threatlocker.faults.clear()
    simulators.set_day(0)
