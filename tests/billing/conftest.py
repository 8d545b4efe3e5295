import pytest

from collectors.simulators.dataset import generate_msp
from collectors.simulators.graph import GraphSimulator, generate_graph


@pytest.fixture(scope="session")
def graph_data():
    # 8 client tenants, ~450 users: several pages each at ESINV_M365_PAGE_SIZE=10.
    return generate_graph(generate_msp(devices=500, seed=3))


@pytest.fixture(scope="session")
def graph_simulator(graph_data):
    sim = GraphSimulator(graph_data).start()
    yield sim
    sim.stop()


@pytest.fixture
def m365(graph_simulator, settings):
    """The simulator with the hub's settings pointing at it; small pages, tiny backoff; cleared afterwards."""
    for name, value in graph_simulator.settings().items():
        setattr(settings, name, value)
    settings.ESINV_M365_PAGE_SIZE = 10
    settings.COLLECTORS_BACKOFF_SECONDS = 0.001
    settings.COLLECTORS_BACKOFF_MAX_SECONDS = 0.005
    settings.COLLECTORS_HTTP_RETRIES = 2
    settings.COLLECTORS_HEARTBEAT_SECONDS = 0
    settings.COLLECTORS_READ_TIMEOUT = 5
    yield graph_simulator
    graph_simulator.faults.clear()
    graph_simulator.restore()


@pytest.fixture
def tenants(db, graph_data):
    """Every simulated tenant on its organization (what staff enter in the admin)."""
    from billing.models import M365Tenant
    from inventory.models import Organization

    made = {}
    for name, tenant_id in graph_data.tenant_pairs():
        organization = Organization.objects.create(name=name)
        made[tenant_id] = M365Tenant.objects.create(organization=organization, tenant_id=tenant_id)
    return made


class SleepRecorder(list):
    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def no_sleep():
    return SleepRecorder()


# --- ConnectWise agreements -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def msp():
    # 8 customer clients (as graph_data's MSP), a few hundred devices.
    return generate_msp(devices=500, seed=3)


@pytest.fixture(scope="session")
def cw_agreements_data(msp):
    from collectors.simulators.connectwise import add_agreements, generate_connectwise

    return add_agreements(generate_connectwise(seed=7, first_month=(2026, 10), months=1, tickets_per_month=4), msp)


@pytest.fixture(scope="session")
def cw_agreements_simulator(cw_agreements_data):
    from collectors.simulators.connectwise import ConnectWiseSimulator

    sim = ConnectWiseSimulator(cw_agreements_data).start()
    yield sim
    sim.stop()


@pytest.fixture
def cw(cw_agreements_simulator, settings):
    """The ConnectWise simulator with the hub's settings pointing at it; small pages, tiny backoff."""
    for name, value in cw_agreements_simulator.settings().items():
        setattr(settings, name, value)
    settings.CONNECTWISE_PAGE_SIZE = 3
    settings.COLLECTORS_BACKOFF_SECONDS = 0.001
    settings.COLLECTORS_BACKOFF_MAX_SECONDS = 0.005
    settings.COLLECTORS_HTTP_RETRIES = 2
    settings.COLLECTORS_HEARTBEAT_SECONDS = 0
    settings.COLLECTORS_READ_TIMEOUT = 5
    cw_agreements_simulator.seen_conditions.clear()
    yield cw_agreements_simulator
    cw_agreements_simulator.faults.clear()


@pytest.fixture
def client_orgs(db, msp):
    """The MSP's organizations as the hub holds them after a NinjaOne collection (names and aliases)."""
    from collectors.simulators.dataset import install_aliases
    from inventory.models import Organization

    made = {c.ninja_name: Organization.objects.get_or_create(name=c.ninja_name)[0]
            for c in msp.clients if not c.internal}
    install_aliases(msp)
    return made


# --- NinjaOne and ThreatLocker on the same MSP (measured quantities) ---------------------------------------
@pytest.fixture(scope="session")
def inventory_simulators(msp):
    from collectors.simulators import VendorSimulators

    sims = VendorSimulators(msp).start()
    yield sims
    sims.stop()


@pytest.fixture
def inventory_sims(inventory_simulators, settings):
    """The NinjaOne and ThreatLocker simulators with the hub's settings pointing at them."""
    for name, value in inventory_simulators.settings().items():
        setattr(settings, name, value)
    settings.NINJA_PAGE_SIZE = 100
    settings.THREATLOCKER_PAGE_SIZE = 100
    settings.COLLECTORS_BACKOFF_SECONDS = 0.001
    settings.COLLECTORS_BACKOFF_MAX_SECONDS = 0.005
    settings.COLLECTORS_HEARTBEAT_SECONDS = 0
    yield inventory_simulators
    inventory_simulators.ninja.faults.clear()
    inventory_simulators.threatlocker.faults.clear()
    inventory_simulators.set_day(0)
