"""Database fixtures for the export endpoint tests: two reconciled days made with the real engine."""
from datetime import timedelta

from django.utils import timezone

from inventory.models import Vendor
from tests.factories import snapshot
from variances import types as T
from variances.models import ExceptionRecord
from variances.services import Action, apply_action, reconcile_day

N, TL = Vendor.NINJA, Vendor.THREATLOCKER
TODAY = timezone.localdate()
D1, D2 = TODAY - timedelta(days=1), TODAY
CAFE = "Café Müller Straße"
FORMULA_DISPLAY = '=HYPERLINK("http://evil.example","click")'


def seed_day(day, *, extra_orphans=()):
    # spare in NinjaOne still in ThreatLocker (and their display notes disagree)
    snapshot(N, "NOCHI-002062482", day=day, display_name="NOCHI-002062482753 | SPARE - was Maintenance (at ES)")
    snapshot(TL, "NOCHI-002062482753.local", day=day, display_name="NOCHI-002062482753 | Maintenance")
    snapshot(N, "NO-AGENT", day=day, org="Globex")  # missing in ThreatLocker
    snapshot(TL, "ORPHAN-A", day=day)  # missing in NinjaOne
    snapshot(TL, "ÜBER-PC", day=day, org=CAFE, display_name="Über-PC | Empfang")  # non-ASCII
    snapshot(TL, "EVIL-PC", day=day, org=CAFE, display_name=FORMULA_DISPLAY)  # formula injection
    snapshot(TL, "DUP-PC", day=day, org="Globex")
    snapshot(TL, "DUP-PC", day=day, org="Globex")  # duplicate in ThreatLocker
    for name in extra_orphans:
        snapshot(TL, name, day=day)


def seed(*, resolve_one=True):
    """D1 and D2 reconciled; on D2 the ORPHAN-A exception is resolved by staff (still present)."""
    seed_day(D1, extra_orphans=("GONE-1",))
    reconcile_day(D1)
    seed_day(D2)
    reconcile_day(D2)
    if resolve_one:
        orphan = ExceptionRecord.objects.get(type=T.MISSING_NINJA, canonical_key="orphan-a")
        apply_action([orphan.id], Action.RESOLVE, notes="-accepted: lab machine", actor="tester")
