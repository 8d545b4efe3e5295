"""The default-thresholds data migration: fills only what is missing, reverses only what nobody edited."""
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps

from qbr.models import Threshold

pytestmark = pytest.mark.django_db
migration = import_module("qbr.migrations.0003_contract_kpis_and_default_thresholds")


def test_the_migration_is_reversible():
    operation = migration.Migration.operations[-1]
    assert operation.reversible and operation.reverse_code is migration.remove_untouched_defaults


def test_forwards_keeps_what_staff_set_and_reverse_keeps_what_staff_edited():
    # As before the migration, with one threshold staff had set themselves.
    Threshold.objects.filter(organization_id=1).delete()
    Threshold.objects.create(organization_id=1, metric_name="rhem", direction="lower",
                             green_bound=Decimal("0.3"), yellow_bound=Decimal("0.6"), updated_by="boss")

    migration.add_defaults(apps, None)
    rhem = Threshold.objects.get(organization_id=1, metric_name="rhem")
    assert (rhem.green_bound, rhem.yellow_bound, rhem.updated_by) == (Decimal("0.3"), Decimal("0.6"), "boss")
    tpe = Threshold.objects.get(organization_id=1, metric_name="tickets_per_endpoint")
    assert (tpe.direction, tpe.green_bound, tpe.yellow_bound) == ("lower", Decimal("1.0"), Decimal("1.5"))
    assert Threshold.objects.filter(organization_id=1).count() == len(migration.DEFAULT_THRESHOLDS)

    migration.add_defaults(apps, None)  # idempotent
    assert Threshold.objects.filter(organization_id=1).count() == len(migration.DEFAULT_THRESHOLDS)

    # A default edited after shipping (bounds and who) stays when the migration is reversed.
    Threshold.objects.filter(organization_id=1, metric_name="net_profit_pct").update(
        green_bound=Decimal("20"), updated_by="boss")
    migration.remove_untouched_defaults(apps, None)
    left = set(Threshold.objects.filter(organization_id=1).values_list("metric_name", flat=True))
    assert left == {"rhem", "net_profit_pct"}
