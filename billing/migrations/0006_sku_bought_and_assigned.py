"""Stored measures of the days before 0005: `m365_sku:<part>` held the licences ASSIGNED (and `bought` in its
detail). Now it is the licences BOUGHT and `m365_sku_assigned:<part>` the assigned ones (billing/measures.py), so
each old row is rewritten to its bought count and gets its assigned twin: a client's 12-month history reads the
same quantity on every day. Rows already in the new form (their detail has `assigned`) are left alone. Batched by
id; re-running it changes nothing."""
from django.db import migrations

OLD, ASSIGNED = "m365_sku:", "m365_sku_assigned:"
BATCH = 2000


def split_sku_rows(apps, schema_editor):
    Measured = apps.get_model("billing", "MeasuredQuantity")
    last = 0
    while True:
        rows = list(Measured.objects.filter(code__startswith=OLD, pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            return
        last = rows[-1].pk
        changed, twins = [], []
        for row in rows:
            detail = dict(row.detail or {})
            if "assigned" in detail or not isinstance(detail.get("bought"), int):
                continue
            assigned, bought = row.quantity, detail["bought"]
            detail["assigned"] = assigned
            twins.append(Measured(snapshot_date=row.snapshot_date, organization_id=row.organization_id,
                                  code=ASSIGNED + row.code[len(OLD):], quantity=assigned,
                                  detail={**detail, "total": assigned}))
            row.quantity, row.detail = bought, {**detail, "total": bought}
            changed.append(row)
        Measured.objects.bulk_update(changed, ["quantity", "detail"])
        Measured.objects.bulk_create(twins, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_part_numbers_cycles")]

    operations = [migrations.RunPython(split_sku_rows, migrations.RunPython.noop, elidable=True)]
