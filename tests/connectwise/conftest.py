import pytest

from collectors.simulators.connectwise import ConnectWiseSimulator, generate_connectwise


@pytest.fixture(scope="session")
def cw_data():
    # Aug-Nov 2026, ~60 tickets a month: several pages at a small page size, fast to serve.
    return generate_connectwise(seed=7, first_month=(2026, 8), months=4, tickets_per_month=60)


@pytest.fixture(scope="session")
def cw_simulator(cw_data):
    sim = ConnectWiseSimulator(cw_data).start()
    yield sim
    sim.stop()


@pytest.fixture
def cw(cw_simulator, settings):
    """The simulator with the hub's settings pointing at it; tiny backoff; faults cleared afterwards."""
    for name, value in cw_simulator.settings().items():
        setattr(settings, name, value)
    settings.CONNECTWISE_PAGE_SIZE = 25
    settings.CONNECTWISE_TIME_ZONE = "UTC"
    settings.QBR_CW_REACTIVE_BOARDS = ["Help Desk"]
    settings.QBR_CW_REACTIVE_STATUSES = []
    settings.COLLECTORS_BACKOFF_SECONDS = 0.001
    settings.COLLECTORS_BACKOFF_MAX_SECONDS = 0.005
    settings.COLLECTORS_HTTP_RETRIES = 3
    settings.COLLECTORS_HEARTBEAT_SECONDS = 0
    settings.COLLECTORS_READ_TIMEOUT = 2
    cw_simulator.seen_conditions.clear()
    yield cw_simulator
    cw_simulator.faults.clear()
    cw_simulator.seen_conditions.clear()


class SleepRecorder(list):
    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def no_sleep():
    return SleepRecorder()
