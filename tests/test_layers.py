"""One job per app: no module imports a module of a higher layer (docs/architecture.md).

Layers, lowest first:

0. esinv's shared plumbing (errors, auth, pagination, throttling, middleware, inputs, params, access, env,
   page_access, negotiation, ...): every esinv module not listed in ESINV_TOP;
1. inventory;
2. collectors, variances, qbr, billing: siblings. collectors imports neither of the others (they register their
   collectors and after-batch hooks in collectors/registry.py); variances and qbr import only the collectors
   modules in SIBLING_ALLOWED (the registry they register in and what a registered hook or collector needs);
3. notifications: it listens to the apps' events, none of them imports it;
4. the project's top: esinv's settings, URLs, pages (the overview), /api/status, health, metrics, its API views.

Every `import` and `from ... import` counts, at module level or inside a function; so do dotted paths
written as strings in collectors (what `import_string` would load).
"""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("esinv", "inventory", "collectors", "variances", "qbr", "billing", "notifications")

# esinv modules that compose the apps: the project's top. Everything else in esinv is the base.
ESINV_TOP = {"settings", "settings_test", "urls", "page_urls", "pages", "status", "health", "metrics", "api", "wsgi"}

LAYER = {"esinv": 0, "inventory": 1, "collectors": 2, "variances": 2, "qbr": 2, "billing": 2, "notifications": 3}
TOP = 4

# (importing app, imported module prefix): the sibling imports that are allowed, and why.
SIBLING_ALLOWED = {
    ("variances", "collectors.registry"),  # registers the reconciliation as an after-batch hook
    ("variances", "collectors.models"),  # the hook reads the batch's jobs and answers its cross-vendor status
    ("qbr", "collectors.registry"),  # registers the ConnectWise collector
    ("qbr", "collectors.context"),  # a registered collector's run(context)
    ("qbr", "collectors.clients"),  # the generic ConnectWise HTTP client and VendorError
    ("qbr", "collectors.connectwise_settings"),  # the client's connection settings
    ("billing", "collectors.registry"),  # registers the Microsoft 365 collector
    ("billing", "collectors.context"),  # a registered collector's run(context)
    ("billing", "collectors.clients"),  # VendorHTTP (the Graph client's base), VendorError, the ConnectWise client
    ("billing", "collectors.connectwise_settings"),  # whether ConnectWise is configured (agreements in the daily batch)
    ("billing", "collectors.completeness"),  # the sudden-drop rule and refusal of a tenant's day
    ("billing", "collectors.mapping"),  # storable(): vendor text without what PostgreSQL refuses
    ("billing", "collectors.prefetch"),  # the next users page read while one is mapped, heartbeat while waiting
    ("billing", "collectors.models"),  # the measures' after-batch hook: did the batch's jobs complete
    ("billing", "qbr.billed_seats"),  # registers QBR's billed seats provider (and returns its BilledSeats)
    ("billing", "variances.exports.columns"),  # the billing files use the variance exports' cell rules (one place)
    ("billing", "variances.exports.csv_export"),  # its byte-order mark
    ("billing", "variances.exports.pdf_export"),  # its font rule (DejaVu Sans when installed)
}

DOTTED_PATH = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> tuple[str, int] | None:
    """(owner, layer) of a dotted module name of this project, None for a third-party one."""
    parts = module.split(".")
    if parts[0] not in LAYER:
        return None
    if parts[0] == "esinv":
        return ("project", TOP) if len(parts) > 1 and parts[1] in ESINV_TOP else ("esinv", 0)
    return parts[0], LAYER[parts[0]]


def imported_modules(source: str, importer: str = "") -> list[tuple[int, str]]:
    """(line, dotted name) of every module (and `from` name) a source imports; strings that look like dotted
    paths into the project too, for collectors (registered hooks and collectors are dotted paths)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from collectors import registry` imports collectors.registry (the package itself is empty)
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and importer.startswith("collectors")
              and DOTTED_PATH.match(node.value) and node.value.split(".")[0] in LAYER):
            found.append((node.lineno, node.value))
    return found


def violation(importer: str, imported: str) -> str | None:
    source, target = layer_of(importer), layer_of(imported)
    if source is None or target is None or source[0] == target[0]:
        return None
    if target[1] > source[1]:
        return f"{source[0]} (layer {source[1]}) imports {target[0]} (layer {target[1]})"
    if target[1] == source[1] == 2:
        if any((source[0], prefix) == (app, prefix) and (imported == prefix or imported.startswith(prefix + "."))
               for app, prefix in SIBLING_ALLOWED):
            return None
        return f"{source[0]} imports its sibling {target[0]}"
    return None


def project_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_module_imports_a_higher_layer():
    problems = []
    for path in project_modules():
        importer = module_name(path)
        for line, imported in imported_modules(path.read_text(), importer):
            reason = violation(importer, imported)
            if reason:
                problems.append(f"{path.relative_to(ROOT)}:{line}: {imported}: {reason}")
    assert not problems, "Layer violations:\n" + "\n".join(sorted(set(problems)))


def test_every_module_is_walked():
    modules = {module_name(path) for path in project_modules()}
    assert {"esinv.errors", "inventory.pages", "collectors.runs", "variances.collection",
            "qbr.connectwise.collector", "esinv.urls"} <= modules


@pytest.mark.parametrize(("importer", "source", "expected"), [
    ("inventory.pages", "from variances.models import ExceptionRecord", "inventory (layer 1) imports variances"),
    ("inventory.pages", "from esinv.pages import inventory_page", "imports project (layer 4)"),
    ("esinv.errors", "import inventory.models", "esinv (layer 0) imports inventory"),
    ("collectors.runs", "def f():\n    from variances.services import reconcile_day", "sibling variances"),
    ("collectors.registry", "HOOK = 'qbr.connectwise.collector.run'", "sibling qbr"),
    ("qbr.thing", "from collectors.runs import start_batch", "sibling collectors"),
    ("variances.thing", "from qbr.models import MonthlyMetric", "sibling qbr"),
    ("collectors.thing", "from notifications.models import Delivery", "collectors (layer 2) imports notifications"),
])
def test_the_check_catches_a_violation(importer, source, expected):
    reasons = [violation(importer, name) for _, name in imported_modules(source, importer)]
    assert any(reason and expected in reason for reason in reasons), reasons


@pytest.mark.parametrize(("importer", "source"), [
    ("collectors.runs", "from inventory.models import Vendor"),
    ("variances.apps", "from collectors import registry"),
    ("qbr.connectwise.collector", "from collectors.clients.connectwise import ConnectWiseClient"),
    ("esinv.urls", "from variances.api import urls"),
    ("inventory.pages", "from esinv.page_access import inventory_page"),
    ("notifications.hooks", "from collectors.models import CollectorJob"),
])
def test_the_check_allows_downward_imports(importer, source):
    assert [violation(importer, name) for _, name in imported_modules(source, importer)] == [None] * len(
        imported_modules(source, importer))
