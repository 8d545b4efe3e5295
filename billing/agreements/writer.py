"""Writing the ConnectWise agreements day: every agreement and addition of the date replaced in one transaction.

Called only once the whole fetch succeeded (every agreement's additions read) and the day passed `check_day`, so
a failed or refused run never reaches it and the previous rows stay; re-running a day replaces it (idempotent).
Rows go through the one bulk-insert helper (`esinv.bulk.insert_rows`).
"""
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from billing.agreements.mapping import ADDITION_FIELDS, AGREEMENT_FIELDS
from billing.models import CWAgreement, CWAgreementAddition
from collectors.completeness import SuddenDrop, drop_message
from esinv.bulk import insert_rows, prepared

VENDOR = "ConnectWise"


def latest_day() -> date | None:
    """The latest day agreements were stored (the collector status reports it)."""
    return CWAgreement.objects.aggregate(last=Max("snapshot_date"))["last"]


def previous_counts(day: date) -> tuple[date | None, int, int]:
    """(the latest stored day before `day`, its agreements, its additions)."""
    before = CWAgreement.objects.filter(snapshot_date__lt=day).aggregate(last=Max("snapshot_date"))["last"]
    if before is None:
        return None, 0, 0
    return (before, CWAgreement.objects.filter(snapshot_date=before).count(),
            CWAgreementAddition.objects.filter(snapshot_date=before).count())


def check_day(day: date, agreements: int, additions: int, *, confirm_drop: bool = False):
    """Refuse a day whose agreements or additions fell more than COLLECTORS_MAX_DROP_PERCENT below the previous
    stored day's (unless staff confirmed the drop)."""
    if confirm_drop:
        return
    before, previous_agreements, previous_additions = previous_counts(day)
    limit = settings.COLLECTORS_MAX_DROP_PERCENT
    reason = (drop_message(f"{VENDOR} agreements", "active agreements", agreements, previous_agreements, before,
                           limit)
              or drop_message(f"{VENDOR} agreements", "agreement additions", additions, previous_additions, before,
                              limit))
    if reason:
        raise SuddenDrop(VENDOR, reason)


def write_day(day: date, agreements: list[tuple], additions: list[tuple]) -> dict:
    """Replace the day's agreements and additions. Rows are (organization id, *AGREEMENT_FIELDS) and
    (organization id, company id, company name, *ADDITION_FIELDS)."""
    with transaction.atomic():
        replaced, _ = CWAgreement.objects.filter(snapshot_date=day).delete()
        CWAgreementAddition.objects.filter(snapshot_date=day).delete()
        head = (prepared(CWAgreement, "snapshot_date", day),)
        insert_rows(CWAgreement, ("snapshot_date", "organization", *AGREEMENT_FIELDS),
                    (head + row for row in agreements), adapted=(0,))
        insert_rows(CWAgreementAddition, ("snapshot_date", "organization", "company_id", "company_name",
                                          *ADDITION_FIELDS), (head + row for row in additions), adapted=(0,))
    return {"agreements": len(agreements), "additions": len(additions), "agreements_replaced": replaced or 0}
