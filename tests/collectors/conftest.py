import pytest

from collectors.simulators import VendorSimulators, generate_msp

# Small enough for fast tests, large enough for several pages and every exception type.
SMALL_MSP = {"devices": 240, "seed": 11}


@pytest.fixture(scope="session")
def dataset():
    return generate_msp(**SMALL_MSP)


@pytest.fixture(scope="session")
def simulators(dataset):
    sims = VendorSimulators(dataset).start()
    yield sims
    sims.stop()


@pytest.fixture
def fast_retries(settings):
    """Tiny backoff so retry tests do not sleep; heartbeats written on every report."""
    settings.COLLECTORS_BACKOFF_SECONDS = 0.001
    settings.COLLECTORS_BACKOFF_MAX_SECONDS = 0.005
    settings.COLLECTORS_HTTP_RETRIES = 3
    settings.COLLECTORS_HEARTBEAT_SECONDS = 0
    settings.COLLECTORS_READ_TIMEOUT = 2
    return settings


@pytest.fixture
def sims(simulators, fast_retries):
    """The simulators, with the hub's settings pointing at them; faults and day reset afterwards."""
    for name, value in simulators.settings().items():
        setattr(fast_retries, name, value)
    fast_retries.NINJA_PAGE_SIZE = 50
    fast_retries.THREATLOCKER_PAGE_SIZE = 50
    yield simulators
    simulators.ninja.faults.clear()
    simulators.threatlocker.faults.clear()
    simulators.set_day(0)


class SleepRecorder(list):
    """A `sleep` that records instead of sleeping."""

    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def no_sleep():
    return SleepRecorder()
