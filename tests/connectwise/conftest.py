import pytest

from collectors.simulators.connectwise import ConnectWiseSimulator, generate_connectwise
from tests.simulators import point_at, serving


@pytest.fixture(scope="session")
def cw_data():
    # Aug-Nov 2026, ~60 tickets a month: several pages at a small page size, fast to serve.
    return generate_connectwise(seed=7, first_month=(2026, 8), months=4, tickets_per_month=60)


@pytest.fixture(scope="session")
def cw_simulator(cw_data):
    yield from serving(ConnectWiseSimulator(cw_data))


@pytest.fixture
def cw(cw_simulator, settings):
    """The simulator with the hub's settings pointing at it; tiny backoff; faults cleared afterwards."""
    point_at(cw_simulator, settings, CONNECTWISE_PAGE_SIZE=25, CONNECTWISE_TIME_ZONE="UTC",
             QBR_CW_REACTIVE_BOARDS=["Help Desk"], QBR_CW_REACTIVE_STATUSES=[], COLLECTORS_HTTP_RETRIES=3,
             COLLECTORS_READ_TIMEOUT=2)
    cw_simulator.seen_conditions.clear()
    yield cw_simulator
    cw_simulator.faults.clear()
    cw_simulator.seen_conditions.clear()
