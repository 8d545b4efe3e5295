import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from collectors.simulators.dataset import generate_msp
from collectors.simulators.graph import GraphSimulator, generate_graph
from tests.simulators import point_at, reset_vendor_simulators, serving


@pytest.fixture(scope="session")
def graph_data():
    # 8 client tenants, ~450 users: several pages each at ESINV_M365_PAGE_SIZE=10.
    return generate_graph(generate_msp(devices=500, seed=3))


@pytest.fixture(scope="session")
def graph_simulator(graph_data):
    yield from serving(GraphSimulator(graph_data))


@pytest.fixture
def m365(graph_simulator, settings):
    """The simulator with the hub's settings pointing at it; small pages, tiny backoff; cleared afterwards."""
    yield point_at(graph_simulator, settings, ESINV_M365_PAGE_SIZE=10, COLLECTORS_HTTP_RETRIES=2,
                   COLLECTORS_READ_TIMEOUT=5)
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

    yield from serving(ConnectWiseSimulator(cw_agreements_data))


@pytest.fixture
def cw(cw_agreements_simulator, settings):
    """The ConnectWise simulator with the hub's settings pointing at it; small pages, tiny backoff."""
    point_at(cw_agreements_simulator, settings, CONNECTWISE_PAGE_SIZE=3, COLLECTORS_HTTP_RETRIES=2,
             COLLECTORS_READ_TIMEOUT=5)
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

    yield from serving(VendorSimulators(msp))


@pytest.fixture
def inventory_sims(inventory_simulators, settings):
    """The NinjaOne and ThreatLocker simulators with the hub's settings pointing at them."""
    yield point_at(inventory_simulators, settings, NINJA_PAGE_SIZE=100, THREATLOCKER_PAGE_SIZE=100)
    reset_vendor_simulators(inventory_simulators)


@pytest.fixture
def admin_client(db):
    """A signed-in superuser (the admin pages' tests)."""
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-Strong-123")
    client = Client()
    client.force_login(user)
    client.user = user
    return client
