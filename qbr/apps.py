from django.apps import AppConfig


class QbrConfig(AppConfig):
    name = "qbr"
    verbose_name = "QBR"

    def ready(self):
        # ConnectWise Manage: QBR reactive ticket metrics (qbr.MonthlyMetric, vendor 2), see docs/connectwise.md.
        from collectors import registry

        registry.register(registry.CollectorSpec(
            name="connectwise", label="ConnectWise", job_name="connectwise-collector",
            run="qbr.connectwise.collector.run", vendor_id=2, aliases=("cw", "psa", "connectwise-manage"),
        ))
