"""What other apps add about devices, without inventory importing them.

Two kinds of provider, each registered from the app's `AppConfig.ready()`:

- `register(name, provider)`: `provider(keys) -> {canonical_key: {field: value}}` for a page of search results on
  the devices page (variances adds each device's open exceptions). A provider answers for a whole result page in a
  query or two; the page merges what it returns into each result.
- `register_device(name, provider)`: `provider(key) -> {field: value}` for one device's page and
  `GET /api/devices/{key}` (variances adds its open and past exceptions with their notes and audit trail), merged
  into the device record. A provider answers in a query or two.

inventory sits below the apps that register here.
"""
from collections.abc import Callable

Provider = Callable[[list[str]], dict[str, dict]]
DeviceProvider = Callable[[str], dict]

_PROVIDERS: dict[str, Provider] = {}
_DEVICE_PROVIDERS: dict[str, DeviceProvider] = {}


def register(name: str, provider: Provider) -> None:
    _PROVIDERS[name] = provider


def register_device(name: str, provider: DeviceProvider) -> None:
    _DEVICE_PROVIDERS[name] = provider


def add_details(results: list[dict]) -> list[dict]:
    """Merge every registered provider's fields into the results (dicts with a `hostname` canonical key)."""
    keys = [result["hostname"] for result in results]
    for provider in _PROVIDERS.values():
        found = provider(keys)
        for result in results:
            result.update(found.get(result["hostname"], {}))
    return results


def device_details(key: str) -> dict:
    """Every registered device provider's fields for one device (canonical key), merged."""
    merged: dict = {}
    for provider in _DEVICE_PROVIDERS.values():
        merged.update(provider(key))
    return merged
