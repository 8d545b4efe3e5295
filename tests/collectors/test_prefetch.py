import threading

import pytest

from collectors.prefetch import prefetched


def test_yields_in_order_from_another_thread():
    threads = []

    def pages():
        for n in range(5):
            threads.append(threading.current_thread().name)
            yield [n]

    assert list(prefetched(pages())) == [[0], [1], [2], [3], [4]]
    assert set(threads) == {"vendor-prefetch"}


def test_errors_reach_the_consumer_after_the_pages_before_them():
    def pages():
        yield 1
        raise ValueError("page 2 is malformed")

    seen = []
    with pytest.raises(ValueError, match="page 2"):
        for page in prefetched(pages()):
            seen.append(page)
    assert seen == [1]


def test_consumer_stopping_early_stops_the_producer():
    produced = []

    def pages():
        for n in range(1000):
            produced.append(n)
            yield n

    for page in prefetched(pages(), depth=1):
        if page == 2:
            break
    assert len(produced) < 10
