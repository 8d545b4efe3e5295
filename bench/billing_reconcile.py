#!/usr/bin/env python
"""Benchmark: billing reconciliation (`billing.variances.reconcile_billing`) of many clients.

    .venv/bin/python bench/billing_reconcile.py [--clients 1000]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/esinv .venv/bin/python bench/billing_reconcile.py

Builds, on a throwaway database (bench/_throwaway.py), one day of what reconciliation reads for `--clients`
clients, written straight as rows (the collectors are benchmarked elsewhere): measured quantities (seats with 25
device ids, servers, ThreatLocker devices, Microsoft 365 users and one SKU), a monthly agreement per client
whose ConnectWise additions bill them (one client in ten under-billed by 3 seats, one in ten over-billed by 2),
the SKU with one tenant in five holding unused licences, 40 users per client with one in ten clients holding a
disabled licensed user; the MSP-wide map (`seed_billing_map`). Prints the time of the first reconciliation
(every variance new), a re-run of the day (nothing changes), the next day with the same rows, and of the report
(`billing_report`).
"""
import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _throwaway import throwaway_database_url  # noqa: E402

DAY = date(2026, 11, 20)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="esinv-bench-")
    with throwaway_database_url(tmp) as url:
        os.environ.update(DATABASE_URL=url, ESINV_ALLOW_DEV_SECRET="true", DJANGO_SETTINGS_MODULE="esinv.settings",
                          LOG_LEVEL="WARNING", ESINV_VAR_DIR=tmp)
        import django

        django.setup()
        run(args)


def fill(day: date, clients: int):
    from billing.models import CWAgreement, CWAgreementAddition, M365Sku, M365User, MeasuredQuantity
    from esinv.bulk import insert_rows
    from inventory.models import Organization

    orgs = list(Organization.objects.filter(name__startswith="Bench client").order_by("id").values_list(
        "id", flat=True))
    measured, additions, skus, users = [], [], [], []
    addition_id = day.toordinal() * 100_000
    for n, org in enumerate(orgs):
        seats = 20 + n % 30
        ids = [f"c{n}-ws{i}" for i in range(seats)]
        measured += [(day, org, "ninja_seats", seats, {"total": seats, "ids": ids[:25], "truncated": seats > 25}),
                     (day, org, "ninja_servers", 2, {"total": 2, "ids": [f"c{n}-srv0", f"c{n}-srv1"]}),
                     (day, org, "threatlocker_devices", seats + 2, {"total": seats + 2, "ids": []}),
                     (day, org, "m365_users", 40, {"total": 40, "ids": []}),
                     (day, org, "m365_sku:SPB", 40, {"total": 40, "ids": [], "bought": 40, "assigned": 38}),
                     (day, org, "m365_sku_assigned:SPB", 38, {"total": 38, "ids": [], "bought": 40, "assigned": 38}),
                     ]
        billed = seats - 3 if n % 10 == 0 else seats + 2 if n % 10 == 1 else seats
        for product, quantity, price in (("MANAGED-WS", billed, "95"), ("MANAGED-SRV", 2, "150"),
                                         ("THREATLOCKER", seats + 2, "12")):
            addition_id += 1
            additions.append((day, org, org, org, "", addition_id, product, "", Decimal(quantity), Decimal(0),
                              Decimal(quantity), Decimal(price), Decimal(0), "Billable"))
        bought = 40 + (3 if n % 5 == 0 else 0)
        skus.append((day, org, "sku-spb", "SPB", "Enabled", bought, 0, 0, 40))
        for u in range(40):
            disabled = n % 10 == 2 and u == 0
            users.append((day, org, f"u{n}-{u}", f"user{u}@c{n}.example", "", "Member", not disabled, True,
                          ["sku-spb"]))
    insert_rows(MeasuredQuantity, ["snapshot_date", "organization_id", "code", "quantity", "detail"], measured)
    # One monthly agreement per client (its lines' prices are per month: billing/billed.py).
    insert_rows(CWAgreement, ["snapshot_date", "organization_id", "company_id", "company_identifier", "company_name",
                              "agreement_id", "name", "agreement_type", "status", "billing_cycle"],
                [(day, org, org, f"C{org}", f"Client {org}", org, "Managed Services", "Managed Services", "Active",
                  "Monthly") for org in orgs])
    insert_rows(CWAgreementAddition, ["snapshot_date", "organization_id", "agreement_id", "company_id", "company_name",
                                      "addition_id", "product_identifier", "description", "quantity", "less_included",
                                      "billed_quantity", "unit_price", "unit_cost", "bill_customer"], additions)
    insert_rows(M365Sku, ["snapshot_date", "organization_id", "sku_id", "sku_part_number", "capability_status",
                          "prepaid_enabled", "prepaid_suspended", "prepaid_warning", "consumed_units"], skus)
    insert_rows(M365User, ["snapshot_date", "organization_id", "user_id", "user_principal_name", "display_name",
                           "user_type", "account_enabled", "has_mailbox", "assigned_sku_ids"], users)


def run(args):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_billing_map", verbosity=0)
    from billing.models import BillingVariance
    from billing.reports import billing_report
    from billing.variances import reconcile_billing
    from inventory.models import Organization

    Organization.objects.bulk_create([Organization(name=f"Bench client {n:05d}") for n in range(args.clients)])
    begin = time.perf_counter()
    fill(DAY, args.clients)
    fill(DAY + timedelta(days=1), args.clients)
    print(f"{args.clients} clients, two days of rows written in {time.perf_counter() - begin:.1f}s")
    for label, day in (("first reconciliation", DAY), ("re-run of the day", DAY),
                       ("next day (same numbers)", DAY + timedelta(days=1))):
        begin = time.perf_counter()
        counts = reconcile_billing(day)
        print(f"{label}: {time.perf_counter() - begin:.2f}s; {counts}")
    begin = time.perf_counter()
    report = billing_report(DAY + timedelta(days=1))
    print(f"report: {time.perf_counter() - begin:.2f}s; {len(report['clients'])} clients, "
          f"leak {report['totals']['monthly_revenue_leak']}, over-billing {report['totals']['monthly_over_billing']}")
    by_type = {}
    for kind in BillingVariance.objects.values_list("variance_type", flat=True):
        by_type[kind] = by_type.get(kind, 0) + 1
    print(f"variances: {by_type}")


if __name__ == "__main__":
    main()
