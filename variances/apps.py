from django.apps import AppConfig


class VariancesConfig(AppConfig):
    name = "variances"

    def ready(self):
        # variances consumes what the layers below produce, and tells them so here: they never import variances.
        from collectors import registry
        from inventory import device_details

        # The reconciliation that follows a collection batch (collectors runs it by its dotted path).
        registry.register_batch_hook(registry.BatchHook(name="reconciliation",
                                                        run="variances.collection.reconcile_batch"))

        # Each device's open exceptions on the devices page.
        def open_exceptions(keys):
            from variances.devices import open_exceptions_by_key

            return open_exceptions_by_key(keys)

        device_details.register("open_exceptions", open_exceptions)

        # One device's open and past exceptions, with notes and audit trail, on its page and in its API record.
        def device_exceptions(key):
            from variances.devices import device_exceptions

            return device_exceptions(key)

        device_details.register_device("exceptions", device_exceptions)
