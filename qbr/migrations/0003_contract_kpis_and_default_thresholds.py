"""The contract's four KPIs (and the metrics behind first_call_resolution) join the choices; default thresholds.

Defaults for organization 1 (the MSP), written only where no threshold exists
(a threshold staff already set is left alone). The values are frozen here, as
shipped; docs/qbr.md lists them. Reversing removes only the defaults nobody
has edited since (still `updated_by` = DEFAULTS_ACTOR with the shipped bounds).
"""
from decimal import Decimal

from django.db import migrations, models

DEFAULTS_ACTOR = "default (migration qbr.0003)"
LOWER, HIGHER = "lower", "higher"
# metric_name: (direction, green bound, yellow bound, why)
DEFAULT_THRESHOLDS = {
    # The seed contract's values.
    "tickets_per_endpoint": (LOWER, "1.0", "1.5", "Contract default."),
    "revenue_per_endpoint": (HIGHER, "100", "80", "Contract default (currency per endpoint per month)."),
    # Common MSP targets; edit them in the admin (QBR > Thresholds).
    "csat_score": (HIGHER, "4.5", "4.0", "Survey average, 1-5."),
    "first_call_resolution": (HIGHER, "70", "50", "Percent of reactive tickets closed on first contact."),
    "tickets_per_endpoint_per_month": (LOWER, "1.0", "1.5", "Same measure as tickets_per_endpoint."),
    "tickets_per_tech_per_month": (HIGHER, "60", "45", "Closed reactive tickets per technician per month."),
    "total_close_pct": (HIGHER, "95", "85", "Percent of created reactive tickets closed."),
    "rhem": (LOWER, "0.5", "1.0", "Reactive hours per endpoint per month."),
    "avg_resolution_time": (LOWER, "1.0", "2.0", "Hours per closed reactive ticket."),
    "reactive_service_pct": (LOWER, "50", "65", "Percent of technician capacity spent on reactive work."),
    "net_profit_pct": (HIGHER, "15", "10", "Percent of total revenue."),
    "revenue_from_services_pct": (HIGHER, "70", "60", "Percent of total revenue."),
    "services_from_mrr_pct": (HIGHER, "75", "60", "Percent of service revenue."),
    "annual_service_rev_per_employee": (HIGHER, "150000", "120000", "Currency per employee per year."),
    "annual_service_rev_per_tech": (HIGHER, "250000", "200000", "Currency per technician per year."),
    "avg_aisp": (HIGHER, "125", "100", "Income per seat per month."),
    "avg_mrr_per_agreement": (HIGHER, "2000", "1500", "MRR per agreement per month."),
    "net_mrr_gain": (HIGHER, "0", "-500", "MRR added minus MRR lost in the quarter."),
    "dials_per_appointment": (LOWER, "60", "100", "Telemarketing dials per first-time appointment."),
    "sales_call_close_pct": (HIGHER, "30", "20", "Percent of first-time appointments that sign."),
    # new_mrr_added and lost_mrr scale with the MSP's size: no default.
}
MSP_ID = 1


def add_defaults(apps, schema_editor):
    Organization = apps.get_model("inventory", "Organization")
    Threshold = apps.get_model("qbr", "Threshold")
    if not Organization.objects.filter(pk=MSP_ID).exists():
        return
    existing = set(Threshold.objects.filter(organization_id=MSP_ID).values_list("metric_name", flat=True))
    Threshold.objects.bulk_create([
        Threshold(organization_id=MSP_ID, metric_name=name, direction=direction, green_bound=Decimal(green),
                  yellow_bound=Decimal(yellow), notes=f"Shipped default. {why}", updated_by=DEFAULTS_ACTOR)
        for name, (direction, green, yellow, why) in DEFAULT_THRESHOLDS.items() if name not in existing
    ])


def remove_untouched_defaults(apps, schema_editor):
    Threshold = apps.get_model("qbr", "Threshold")
    for name, (direction, green, yellow, _) in DEFAULT_THRESHOLDS.items():
        Threshold.objects.filter(
            organization_id=MSP_ID, metric_name=name, updated_by=DEFAULTS_ACTOR, direction=direction,
            green_bound=Decimal(green), yellow_bound=Decimal(yellow),
        ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('qbr', '0002_groups_and_schedule'),
        ('inventory', '0002_fixed_vendors_and_msp'),
    ]

    operations = [
        migrations.AlterField(
            model_name='monthlymetric',
            name='metric_name',
            field=models.CharField(choices=[('seats_managed', 'seats_managed'), ('endpoints_managed', 'endpoints_managed'), ('reactive_tickets_created', 'reactive_tickets_created'), ('reactive_tickets_closed', 'reactive_tickets_closed'), ('total_time_reactive', 'total_time_reactive'), ('reactive_tickets_closed_first_contact', 'reactive_tickets_closed_first_contact'), ('employees', 'employees'), ('technical_employees', 'technical_employees'), ('agreements', 'agreements'), ('total_revenue', 'total_revenue'), ('mrr', 'mrr'), ('nrr', 'nrr'), ('product_revenue', 'product_revenue'), ('total_expenses', 'total_expenses'), ('net_profit', 'net_profit'), ('new_mrr', 'new_mrr'), ('lost_mrr', 'lost_mrr'), ('telemarketing_dials', 'telemarketing_dials'), ('first_time_appointments', 'first_time_appointments'), ('new_agreements', 'new_agreements'), ('csat_score', 'csat_score'), ('first_call_resolution_pct', 'first_call_resolution_pct')], max_length=60),
        ),
        migrations.AlterField(
            model_name='threshold',
            name='metric_name',
            field=models.CharField(choices=[('tickets_per_tech_per_month', 'tickets_per_tech_per_month'), ('total_close_pct', 'total_close_pct'), ('tickets_per_endpoint_per_month', 'tickets_per_endpoint_per_month'), ('rhem', 'rhem'), ('avg_resolution_time', 'avg_resolution_time'), ('reactive_service_pct', 'reactive_service_pct'), ('net_profit_pct', 'net_profit_pct'), ('revenue_from_services_pct', 'revenue_from_services_pct'), ('services_from_mrr_pct', 'services_from_mrr_pct'), ('annual_service_rev_per_employee', 'annual_service_rev_per_employee'), ('annual_service_rev_per_tech', 'annual_service_rev_per_tech'), ('avg_aisp', 'avg_aisp'), ('avg_mrr_per_agreement', 'avg_mrr_per_agreement'), ('new_mrr_added', 'new_mrr_added'), ('lost_mrr', 'lost_mrr'), ('net_mrr_gain', 'net_mrr_gain'), ('dials_per_appointment', 'dials_per_appointment'), ('sales_call_close_pct', 'sales_call_close_pct'), ('tickets_per_endpoint', 'tickets_per_endpoint'), ('revenue_per_endpoint', 'revenue_per_endpoint'), ('csat_score', 'csat_score'), ('first_call_resolution', 'first_call_resolution'), ('seats_managed', 'seats_managed'), ('endpoints_managed', 'endpoints_managed'), ('reactive_tickets_created', 'reactive_tickets_created'), ('reactive_tickets_closed', 'reactive_tickets_closed'), ('total_time_reactive', 'total_time_reactive'), ('reactive_tickets_closed_first_contact', 'reactive_tickets_closed_first_contact'), ('employees', 'employees'), ('technical_employees', 'technical_employees'), ('agreements', 'agreements'), ('total_revenue', 'total_revenue'), ('mrr', 'mrr'), ('nrr', 'nrr'), ('product_revenue', 'product_revenue'), ('total_expenses', 'total_expenses'), ('net_profit', 'net_profit'), ('new_mrr', 'new_mrr'), ('telemarketing_dials', 'telemarketing_dials'), ('first_time_appointments', 'first_time_appointments'), ('new_agreements', 'new_agreements'), ('first_call_resolution_pct', 'first_call_resolution_pct')], max_length=60),
        ),
        migrations.RunPython(add_defaults, remove_untouched_defaults),
    ]
