"""The fixed vendor ids the dashboards send, and organization 1: the MSP itself."""
from django.db import migrations

VENDORS = [
    (1, "ninja", "NinjaOne", "Ninja"),
    (2, "connectwise", "ConnectWise Manage", "ConnectWise"),
    (3, "threatlocker", "ThreatLocker", "ThreatLocker"),
]


def create(apps, schema_editor):
    Vendor = apps.get_model("inventory", "Vendor")
    Organization = apps.get_model("inventory", "Organization")
    for vendor_id, code, name, label in VENDORS:
        Vendor.objects.update_or_create(id=vendor_id, defaults={"code": code, "name": name, "api_label": label})
    if not Organization.objects.filter(id=1).exists():
        Organization.objects.create(id=1, name="MSP (internal)", is_internal=True,
                                    notes="The MSP itself: QBR organization 1. Rename it in the admin.")
    if schema_editor.connection.vendor == "postgresql":
        # An explicit id does not advance PostgreSQL's sequence; move it past 1.
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('inventory_organization', 'id'), "
            "GREATEST((SELECT MAX(id) FROM inventory_organization), 1))"
        )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
