import pytest

from collectors.simulators import VendorSimulators, generate_msp
from tests.simulators import fast_settings, point_at, reset_vendor_simulators, serving

# Small enough for fast tests, large enough for several pages and every exception type.
SMALL_MSP = {"devices": 240, "seed": 11}


@pytest.fixture(scope="session")
def dataset():
    return generate_msp(**SMALL_MSP)


@pytest.fixture(scope="session")
def simulators(dataset):
    yield from serving(VendorSimulators(dataset))


@pytest.fixture
def fast_retries(settings):
    """Tiny backoff so retry tests do not sleep; heartbeats written on every report."""
    return fast_settings(settings, COLLECTORS_HTTP_RETRIES=3, COLLECTORS_READ_TIMEOUT=2)


@pytest.fixture
def sims(simulators, fast_retries):
    """The simulators, with the hub's settings pointing at them; faults and day reset afterwards."""
    yield point_at(simulators, fast_retries, NINJA_PAGE_SIZE=50, THREATLOCKER_PAGE_SIZE=50)
    reset_vendor_simulators(simulators)

