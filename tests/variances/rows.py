"""Plain DeviceRow builders for engine tests, classified with the real rules."""
from itertools import count

from inventory.classification import billing_status_for, device_class_for, is_spare
from inventory.hostnames import canonical_key, clean_hostname, display_note
from variances.engine import DeviceRow

_ids = count(1)
ORGS = {1: "ES (MSP)", 10: "Acme Corp", 20: "Globex"}


def ninja(hostname, display=None, *, org=10, node_class="WINDOWS_WORKSTATION", location="Main", internal=False):
    display = hostname if display is None else display
    spare = is_spare(display, location, pattern=r"\bSPARE\b")
    billing = billing_status_for(device_class_for(node_class), spare, internal)
    return DeviceRow(next(_ids), canonical_key(hostname), hostname, clean_hostname(hostname), display,
                     display_note(display), org, ORGS.get(org), node_class, billing, spare)


def tl(hostname, display=None, *, org=10):
    display = hostname if display is None else display
    return DeviceRow(next(_ids), canonical_key(hostname), hostname, clean_hostname(hostname), display,
                     display_note(display), org, ORGS.get(org), "", "not_billable", False)
