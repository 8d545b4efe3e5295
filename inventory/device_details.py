"""What other apps add to a device search result on the devices page, without inventory importing them.

An app registers `provider(keys) -> {canonical_key: {field: value}}` from its `AppConfig.ready()` (variances
adds each device's open exceptions). A provider answers for a whole result page in a query or two; the page
merges what it returns into each result. inventory sits below the apps that register here.
"""
from collections.abc import Callable

Provider = Callable[[list[str]], dict[str, dict]]

_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _PROVIDERS[name] = provider


def add_details(results: list[dict]) -> list[dict]:
    """Merge every registered provider's fields into the results (dicts with a `hostname` canonical key)."""
    keys = [result["hostname"] for result in results]
    for provider in _PROVIDERS.values():
        found = provider(keys)
        for result in results:
            result.update(found.get(result["hostname"], {}))
    return results
