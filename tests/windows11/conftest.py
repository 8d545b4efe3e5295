from datetime import date

import pytest

from inventory.models import Vendor
from inventory.windows11.engine import GIB
from tests import factories

DAY = date(2026, 11, 23)

GOOD_FACTS = dict(
    cpu_model="Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", cpu_logical_cores=8, cpu_max_clock_mhz=1800,
    memory_bytes=8 * GIB, system_volume_bytes=256 * GIB, os_name="Windows 10 Pro", os_architecture="64-bit",
    os_build="19045", os_release_id="22H2", tpm_present=True, tpm_enabled=True, tpm_version="2.0, 1.38, 0",
    secure_boot_capable=True, secure_boot=True, manufacturer="Dell Inc.", model="Latitude 5490",
)


def ninja_windows(hostname, *, day=DAY, org="Acme Corp", node_class="WINDOWS_WORKSTATION", **facts):
    """One NinjaOne Windows workstation row with passing facts, changed by `facts`."""
    return factories.snapshot(Vendor.NINJA, hostname, day=day, org=org, node_class=node_class,
                              **{**GOOD_FACTS, **facts})


@pytest.fixture
def fleet(db):
    """Three compatible, two incompatible (TPM 1.2; old CPU and 2 GB), one not assessed, one on 24H2."""
    rows = [
        ninja_windows("GOOD-1"), ninja_windows("GOOD-2", org="Beta LLC"),
        ninja_windows("ON-24H2", os_build="26100", os_name="Windows 11 Pro"),
        ninja_windows("OLD-TPM", tpm_version="1.2"),
        ninja_windows("OLD-CPU", org="Beta LLC", cpu_model="Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz",
                      memory_bytes=2 * GIB),
        ninja_windows("NO-SCRIPT", tpm_present=None, tpm_enabled=None, tpm_version="", secure_boot=None),
    ]
    # Not in scope: a server, a Mac, yesterday's row, a ThreatLocker row.
    ninja_windows("SRV-1", node_class="WINDOWS_SERVER")
    ninja_windows("MAC-1", node_class="MAC")
    ninja_windows("GOOD-1", day=date(2026, 11, 22), tpm_version="1.2")
    factories.snapshot(Vendor.THREATLOCKER, "GOOD-1", day=DAY)
    return rows
