"""Read the next vendor page while this one is mapped.

`prefetched(pages)` runs a page generator in a thread, at most `depth` pages
ahead, so the vendor renders and sends page n+1 while page n is mapped here.
Errors raised by the generator are raised to the consumer in order; a consumer
that stops early stops the thread. While the consumer waits for a page (a slow
vendor, retries with backoff), `on_wait()` is called every `wait_seconds` in
the consumer's thread: the job's heartbeat keeps beating without a database
connection in the producer thread.
"""
import queue
import threading
from collections.abc import Iterable, Iterator

_ITEM, _END, _ERROR = 0, 1, 2


def prefetched(pages: Iterable, depth: int = 2, *, on_wait=None, wait_seconds: float = 5.0) -> Iterator:
    channel: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stopped = threading.Event()

    def put(kind, value) -> bool:
        while not stopped.is_set():
            try:
                channel.put((kind, value), timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for page in pages:
                if not put(_ITEM, page):
                    return
            put(_END, None)
        except BaseException as exc:  # handed to the consumer, raised there
            put(_ERROR, exc)

    thread = threading.Thread(target=produce, name="vendor-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            try:
                kind, value = channel.get(timeout=wait_seconds if on_wait else None)
            except queue.Empty:
                on_wait()
                continue
            if kind == _ITEM:
                yield value
            elif kind == _END:
                return
            else:
                raise value
    finally:
        stopped.set()
        thread.join(timeout=5)
