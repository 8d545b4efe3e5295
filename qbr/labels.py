"""The human names of QBR's metrics and SmartNumbers: one place, read by the QBR page and the admin."""

SMART_NUMBER_LABELS = {
    "tickets_per_tech_per_month": "Tickets per tech per month",
    "total_close_pct": "Total close %",
    "tickets_per_endpoint_per_month": "Tickets per endpoint per month",
    "rhem": "RHEM (reactive hours per endpoint per month)",
    "avg_resolution_time": "Average resolution time",
    "reactive_service_pct": "Reactive service %",
    "net_profit_pct": "Net profit %",
    "revenue_from_services_pct": "Revenue from services %",
    "services_from_mrr_pct": "Services from MRR %",
    "annual_service_rev_per_employee": "Annual service revenue per employee",
    "annual_service_rev_per_tech": "Annual service revenue per tech",
    "avg_aisp": "Average AISP",
    "avg_mrr_per_agreement": "Average MRR per agreement",
    "new_mrr_added": "New MRR added",
    "lost_mrr": "Lost MRR",
    "net_mrr_gain": "Net MRR gain",
    "dials_per_appointment": "Dials per appointment",
    "sales_call_close_pct": "Sales call close %",
    "tickets_per_endpoint": "Tickets per endpoint",
    "revenue_per_endpoint": "Revenue per endpoint per month",
    "csat_score": "CSAT score",
    "first_call_resolution": "First call resolution %",
}


def metric_label(name: str) -> str:
    """A SmartNumber's or metric's human name; a name without one reads as words ("seats_managed": "Seats managed")."""
    return SMART_NUMBER_LABELS.get(name) or name.replace("_", " ").capitalize()
