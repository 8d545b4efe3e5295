"""Serve the fake vendor APIs until interrupted.

    manage.py simulate_vendors [--devices N] [--seed S] [--port P]
        [--connectwise-port P2 [--connectwise-months 6] [--connectwise-tickets 60]]
        [--graph-port P3 [--graph-tenants FILE]]

NinjaOne on --port, ThreatLocker on --port + 1, and, when --connectwise-port
is given, ConnectWise Manage on it with tickets and time entries over the
last --connectwise-months months (the current one included) and the agreements
and additions of the same generated MSP's clients (docs/billing.md). With --graph-port,
Microsoft Graph (one tenant per client of the same MSP), its tenants written as
CSV to --graph-tenants for `manage.py import_m365_tenants`.
"""
import csv
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from collectors.simulators import VendorSimulators, generate_msp, install_aliases
from collectors.simulators.connectwise import ConnectWiseSimulator, add_agreements, generate_recent

MAX_CONNECTWISE_MONTHS = 120
MAX_CONNECTWISE_TICKETS = 100_000


def connectwise_options(months: int, tickets: int) -> tuple[int, int]:
    """The ConnectWise flags checked: CommandError naming the flag when out of range."""
    if not 1 <= months <= MAX_CONNECTWISE_MONTHS:
        raise CommandError(f"--connectwise-months must be 1-{MAX_CONNECTWISE_MONTHS}, not {months}.")
    if not 2 <= tickets <= MAX_CONNECTWISE_TICKETS:
        raise CommandError(f"--connectwise-tickets must be 2-{MAX_CONNECTWISE_TICKETS} a month, not {tickets}.")
    return months, tickets


class Command(BaseCommand):
    help = "Run the vendor simulators (NinjaOne on --port, ThreatLocker on --port + 1) until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--devices", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--port", type=int, default=5410, help="NinjaOne's port; ThreatLocker takes the next one.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--token-ttl", type=int, default=3600, help="Lifetime of NinjaOne tokens, in seconds.")
        parser.add_argument("--client-id", default="sim-client", help="NinjaOne client id the simulator accepts.")
        parser.add_argument("--client-secret", default="sim-secret", help="NinjaOne client secret it accepts.")
        parser.add_argument("--api-key", default="sim-api-key", help="ThreatLocker API key it accepts.")
        parser.add_argument("--organization-id", help="ThreatLocker managed organization GUID (default: by seed).")
        parser.add_argument("--install-aliases", action="store_true",
                            help="First create the organization aliases this MSP needs in the hub's database.")
        parser.add_argument("--graph-port", type=int, default=None,
                            help="Also serve Microsoft Graph (one tenant per client) on this port (0: any free one).")
        parser.add_argument("--graph-tenants", help="Write the Graph tenants as organization,tenant_id CSV here "
                                                    "(load it with `manage.py import_m365_tenants FILE`).")
        parser.add_argument("--connectwise-port", type=int, default=None,
                            help="Also serve ConnectWise Manage on this port (0: any free one; default: not served).")
        parser.add_argument("--connectwise-months", type=int, default=6,
                            help="Months of ConnectWise tickets and time, ending with the current month.")
        parser.add_argument("--connectwise-tickets", type=int, default=60, help="ConnectWise tickets a month.")

    def handle(self, *args, **options):
        # Before anything starts: a SIGTERM that arrives while the simulators start still stops them cleanly.
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        connectwise = None
        if options["connectwise_port"] is not None:
            months, tickets = connectwise_options(options["connectwise_months"], options["connectwise_tickets"])
        dataset = generate_msp(devices=options["devices"], seed=options["seed"])
        if options["connectwise_port"] is not None:
            # Started before NinjaOne: once NinjaOne answers (what bin/demo waits for), every simulator does.
            data = generate_recent(today=timezone.localdate(), months=months, tickets_per_month=tickets,
                                   seed=options["seed"])
            add_agreements(data, dataset)
            connectwise = ConnectWiseSimulator(data, host=options["host"], port=options["connectwise_port"]).start()
        if options["install_aliases"]:
            made = install_aliases(dataset)
            self.stdout.write(f"Installed {made} organization alias(es).")
        port = options["port"]
        sims = VendorSimulators(dataset, host=options["host"], ninja_port=port,
                                threatlocker_port=port + 1 if port else 0, token_ttl=options["token_ttl"],
                                client_id=options["client_id"], client_secret=options["client_secret"])
        sims.threatlocker.api_key = options["api_key"]
        if options["organization_id"]:
            sims.threatlocker.organization_id = options["organization_id"]
        # Graph before NinjaOne, like ConnectWise: once NinjaOne answers (bin/demo waits for it), every simulator does.
        graph = None
        if options["graph_port"] is not None:
            from collectors.simulators.graph import GraphSimulator, generate_graph

            graph_data = generate_graph(dataset)
            graph = GraphSimulator(graph_data, host=options["host"], port=options["graph_port"]).start()
            if options["graph_tenants"]:
                with open(options["graph_tenants"], "w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(["organization", "tenant_id"])
                    writer.writerows(graph_data.tenant_pairs())
        sims.start()
        self.stdout.write(f"Simulating {len(dataset.machines)} machines over {len(dataset.clients)} clients "
                          f"(seed {options['seed']}). Expected exceptions today: {dataset.expected}")
        self.stdout.write("Point the hub at them with:")
        for name, value in sims.settings().items():
            self.stdout.write(f"  export {name}={value}")
        if graph is not None:
            for name, value in graph.settings().items():
                self.stdout.write(f"  export {name}={value}")
            self.stdout.write(f"Microsoft Graph: {len(graph.data.tenants)} tenants"
                              + (f", listed in {options['graph_tenants']}" if options["graph_tenants"] else ""))
        if connectwise:
            self.stdout.write(f"ConnectWise Manage: {len(connectwise.dataset.tickets)} tickets and "
                              f"{len(connectwise.dataset.time_entries)} time entries over "
                              f"{options['connectwise_months']} months, {len(connectwise.dataset.agreements)} "
                              f"agreements, on {connectwise.origin}:")
            for name, value in connectwise.settings().items():
                self.stdout.write(f"  export {name}={value}")
        self.stdout.write('Control (on each simulator\'s base URL): POST /_simulator/faults {"kind": "rate_limit"}, '
                          'POST /_simulator/day {"offset": 3}, GET /_simulator/stats')
        self.stdout.flush()
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            sims.stop()
            if graph is not None:
                graph.stop()
            if connectwise:
                connectwise.stop()
