from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self):
        from collectors import registry

        # Microsoft 365 (Graph): per client tenant, a daily snapshot of subscribed SKUs and users (docs/billing.md).
        # Not in COLLECTORS_DEFAULT (the overview's "Run collectors" and "all" stay NinjaOne and ThreatLocker); the
        # daily batch includes it once ESINV_M365_CLIENT_ID and ESINV_M365_CLIENT_SECRET are set.
        registry.register(registry.CollectorSpec(
            name="microsoft365", label="Microsoft 365", job_name="microsoft365-collector",
            run="billing.m365.collector.run", aliases=("m365", "o365", "graph", "microsoft-365"),
            daily_when="billing.settings.configured", latest_date="billing.m365.writer.latest_day",
        ))
        # ConnectWise Manage agreements: the daily snapshot of what each client is billed for (docs/billing.md).
        # Not in COLLECTORS_DEFAULT either; the daily batch includes it once CONNECTWISE_BASE_URL is set, unless
        # ESINV_CW_AGREEMENTS_DAILY is false.
        registry.register(registry.CollectorSpec(
            name="connectwise_agreements", label="ConnectWise agreements", job_name="connectwise-agreements-collector",
            run="billing.agreements.collector.run", aliases=("cw-agreements", "agreements", "connectwise-agreements"),
            daily_when="billing.settings.agreements_daily", latest_date="billing.agreements.writer.latest_day",
        ))
        # Measured quantities (billing/measures.py): the batch's day measured again after every batch, whatever
        # became of its jobs (a failed source has no stored day, so no measures), also one run without the
        # cross-vendor step (Microsoft 365 alone); then the day's billing variances.
        registry.register_batch_hook(registry.BatchHook(name="billing_measures", run="billing.measures.measure_batch",
                                                        every_batch=True))
        # QBR's billed seats beside the managed ones (qbr/billed_seats.py; qbr does not import billing).
        from billing.seats import billed_seats
        from qbr import billed_seats as qbr_billed_seats

        qbr_billed_seats.register(billed_seats)
        # Billing's daily snapshot tables are pruned with the inventory snapshots (same window, each month's last
        # day kept; inventory.retention does not import billing). Variances and their events are never pruned.
        from billing import models as m
        from inventory.retention import RetainedTable, register_table

        for model, group in ((m.M365Sku, "organization_id"), (m.M365User, "organization_id"),
                             (m.CWAgreement, None), (m.CWAgreementAddition, None),
                             (m.MeasuredQuantity, "organization_id")):
            register_table(RetainedTable(label=f"billing.{model.__name__}", model=model, group_field=group))
