"""A fake Microsoft Graph (and its token endpoint) serving one tenant per client of the generated MSP.

    data = generate_graph(generate_msp(devices=500, seed=3))
    with GraphSimulator(data) as sim:
        sim.revoke(data.tenants[0].tenant_id)          # consent revoked: Graph answers 403
        sim.inject("rate_limit", path="/v1.0/users", retry_after=2)
        settings.ESINV_M365_AUTHORITY = settings.ESINV_M365_GRAPH_URL = sim.url
        ...

Each customer client of the `MSPDataset` (not the MSP itself) has a tenant whose organization name is the
client's NinjaOne name (the hub's organization), so `data.tenant_pairs()` maps tenants onto the demo
organizations. Served (docs/vendors.md, "Microsoft Graph"):

- `POST /{tenant id}/oauth2/v2.0/token` (client credentials; checks client id, secret and scope);
- `GET /v1.0/subscribedSkus` -> `{value: [...]}` with `servicePlans`;
- `GET /v1.0/users?$select=&$top=` -> `{value, @odata.nextLink}`: pages of `$top` users (default 100, at most
  999, and at most `max_page_size` when set), the link carrying `$skiptoken`; `$select` is applied.
- `GET /licensing/product-names.csv` (no token, as Microsoft's public download): Microsoft's "Product names and
  service plan identifiers for licensing" CSV of the SKUs served here (all six columns, one row per SKU and
  service plan, `GUID` = the skuId above; `sim.product_names` overrides a name); `GET /licensing/` is the HTML
  download page (the wrong address to give the hub).

Planted facts, per tenant, in known numbers (`data.expected(tenant_id)`): licences bought but not assigned on
the main SKU (`unused`), disabled accounts still holding a licence (`disabled_licensed`), licensed users whose
Exchange plan is disabled or who have no `mail` (licensed but no mailbox), unlicensed shared mailboxes and
guests. `consumedUnits` always equals the users holding the SKU.

Faults are those of the other simulators (`inject(kind, count, path, **params)`, `POST /_simulator/faults`):
`rate_limit` (429 + Retry-After), `server_error`, `unauthorized`, `truncate`, `slow`, `expire_token` (every
issued token expires: the next Graph call answers 401). `revoke(tenant_id, how)` (or
`POST /_simulator/revoke {"tenant_id", "how"}`; `DELETE` undoes all): `how="consent"` issues tokens but Graph
answers 403 Authorization_RequestDenied; `how="app"` refuses the token (401 unauthorized_client, AADSTS700016).
"""
import csv
import io
import json
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote

from collectors.simulators.dataset import MSPDataset, _uuid
from collectors.simulators.servers import SimulatorServer

# (part number, mailbox service plan or None, other plans)
SKUS = {
    "SPB": ("EXCHANGE_S_STANDARD",
            ("TEAMS1", "SHAREPOINTSTANDARD", "INTUNE_A", "AAD_PREMIUM", "EXCHANGE_S_FOUNDATION")),
    "O365_BUSINESS_PREMIUM": ("EXCHANGE_S_STANDARD", ("TEAMS1", "SHAREPOINTSTANDARD", "OFFICE_BUSINESS")),
    "ENTERPRISEPACK": ("EXCHANGE_S_ENTERPRISE", ("TEAMS1", "SHAREPOINTENTERPRISE", "OFFICESUBSCRIPTION")),
    "EXCHANGESTANDARD": ("EXCHANGE_S_STANDARD", ()),
    "POWER_BI_PRO": (None, ("BI_AZURE_P2", "EXCHANGE_S_FOUNDATION")),
}
# Microsoft's names of the SKUs and service plans above, served as Microsoft's "Product names and service plan
# identifiers for licensing" CSV (`GET /licensing/product-names.csv`).
PRODUCT_NAMES = {
    "SPB": "Microsoft 365 Business Premium",
    "O365_BUSINESS_PREMIUM": "Microsoft 365 Business Standard",
    "ENTERPRISEPACK": "Office 365 E3",
    "EXCHANGESTANDARD": "Exchange Online (Plan 1)",
    "POWER_BI_PRO": "Power BI Pro",
}
PLAN_NAMES = {
    "EXCHANGE_S_STANDARD": "Exchange Online (Plan 1)", "EXCHANGE_S_ENTERPRISE": "Exchange Online (Plan 2)",
    "EXCHANGE_S_FOUNDATION": "Exchange Foundation", "TEAMS1": "Microsoft Teams",
    "SHAREPOINTSTANDARD": "SharePoint (Plan 1)", "SHAREPOINTENTERPRISE": "SharePoint (Plan 2)",
    "INTUNE_A": "Microsoft Intune Plan 1", "AAD_PREMIUM": "Microsoft Entra ID P1",
    "OFFICE_BUSINESS": "Microsoft 365 Apps for business", "OFFICESUBSCRIPTION": "Microsoft 365 Apps for enterprise",
    "BI_AZURE_P2": "Power BI Pro",
}
PRODUCT_NAMES_PATH = "/licensing/product-names.csv"
PRODUCT_NAMES_COLUMNS = ("Product_Display_Name", "String_Id", "GUID", "Service_Plan_Name", "Service_Plan_Id",
                         "Service_Plans_Included_Friendly_Names")
MAIN_SKUS = (("SPB", 0.6), ("O365_BUSINESS_PREMIUM", 0.25), ("ENTERPRISEPACK", 0.15))
_FIRST = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Drew", "Reese"]
_LAST = ["Smith", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore", "Clark", "Hall", "Young", "King"]
WORKSTATIONS = ("WINDOWS_WORKSTATION", "MAC", "LINUX_WORKSTATION")


def sku_id(part: str) -> str:
    return _uuid("m365-sku", part)


def plan_id(name: str) -> str:
    return _uuid("m365-plan", name)


@dataclass
class GraphTenant:
    tenant_id: str
    client_index: int
    organization: str  # the hub's organization name (the client's NinjaOne name)
    domain: str
    skus: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


class GraphData:
    def __init__(self, tenants: list[GraphTenant], client_id: str, client_secret: str):
        self.tenants = tenants
        self.by_id = {t.tenant_id: t for t in tenants}
        self.client_id, self.client_secret = client_id, client_secret

    def tenant_pairs(self) -> list[tuple[str, str]]:
        """(organization name, tenant id) of every tenant: what the hub's admin would hold."""
        return [(t.organization, t.tenant_id) for t in self.tenants]

    def expected(self, tenant_id: str) -> dict:
        """Counts computed from the served rows: users, licensed, disabled_licensed, mailboxes, guests, and per
        SKU part number (prepaid enabled, consumed)."""
        tenant = self.by_id[tenant_id]
        mail_plans = {sku["skuId"]: {p["servicePlanId"] for p in sku["servicePlans"]
                                     if p["servicePlanName"].startswith("EXCHANGE_S_")
                                     and p["servicePlanName"] != "EXCHANGE_S_FOUNDATION"} for sku in tenant.skus}
        users = tenant.users
        licensed = [u for u in users if u["assignedLicenses"]]

        def mailbox(user):
            return bool(user["mail"]) and any(mail_plans.get(lic["skuId"], set()) - set(lic["disabledPlans"])
                                              for lic in user["assignedLicenses"])

        return {
            "users": len(users), "licensed": len(licensed), "guests": sum(u["userType"] == "Guest" for u in users),
            "disabled_licensed": sum(not u["accountEnabled"] for u in licensed),
            "mailboxes": sum(mailbox(u) for u in users),
            "skus": {sku["skuPartNumber"]: (sku["prepaidUnits"]["enabled"], sku["consumedUnits"])
                     for sku in tenant.skus},
            **tenant.facts,
        }


def generate_graph(dataset: MSPDataset, *, users_per_workstation: float = 1.1, client_id: str = "sim-m365-app",
                   client_secret: str = "sim-m365-secret") -> GraphData:
    """One tenant per customer client of `dataset`, deterministic for its seed (see the module docstring)."""
    tenants = []
    workstations = {}
    for m in dataset.machines:
        if m.node_class in WORKSTATIONS:
            workstations[m.client] = workstations.get(m.client, 0) + 1
    for client in dataset.clients:
        if client.internal:
            continue
        rng = random.Random(f"{dataset.seed}/m365/{client.index}")
        domain = "".join(ch for ch in client.ninja_name.lower() if ch.isalnum())[:20] + ".onmicrosoft.com"
        tenant = GraphTenant(_uuid(dataset.seed, "m365-tenant", client.index), client.index, client.ninja_name, domain)
        roll, main = rng.random(), MAIN_SKUS[-1][0]
        for part, share in MAIN_SKUS:
            if roll < share:
                main = part
                break
            roll -= share
        parts = [main] + (["EXCHANGESTANDARD"] if rng.random() < 0.4 else []) + \
            (["POWER_BI_PRO"] if rng.random() < 0.2 else [])
        holders: dict[str, int] = {part: 0 for part in parts}
        # Roles in known numbers: disabled accounts still licensed, licensed users with the Exchange plan
        # disabled or without `mail` (no mailbox), a leaver (disabled, licence removed) in half the tenants.
        roles = (["disabled_licensed"] * rng.choice((0, 0, 1, 2, 3)) + ["exchange_off"] * rng.choice((0, 0, 1))
                 + ["no_mail"] * rng.choice((0, 1)))
        leaver = rng.random() < 0.5
        people = max(len(roles) + 2, round(workstations.get(client.index, 0) * users_per_workstation))
        roles += ["member"] * (people - len(roles) - leaver) + ["leaver"] * leaver
        for n, role in enumerate(roles):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            upn = f"{first.lower()}.{last.lower()}{n}@{domain}"
            skus = []
            if role != "leaver":
                off = [plan_id(SKUS[main][0])] if role == "exchange_off" else []
                skus.append({"skuId": sku_id(main), "disabledPlans": off})
                if "POWER_BI_PRO" in parts and n % 4 == 1:
                    skus.append({"skuId": sku_id("POWER_BI_PRO"), "disabledPlans": []})
            tenant.users.append(_user(dataset.seed, client.index, n, upn, f"{first} {last}",
                                      role not in ("disabled_licensed", "leaver"), "Member",
                                      None if role == "no_mail" else upn, skus))
        if "EXCHANGESTANDARD" in parts:  # front-desk mailboxes on the cheap plan
            for n in range(rng.randint(1, 3)):
                upn = f"frontdesk{n}@{domain}"
                tenant.users.append(_user(dataset.seed, client.index, 10_000 + n, upn, f"Front desk {n + 1}", True,
                                          "Member", upn, [{"skuId": sku_id("EXCHANGESTANDARD"), "disabledPlans": []}]))
        tenant.users.append(_user(dataset.seed, client.index, 20_000, f"info@{domain}", "Info (shared)", False,
                                  "Member", f"info@{domain}", []))
        for n in range(rng.randint(0, 2)):
            upn = f"guest{n}_partner.example#EXT#@{domain}"
            tenant.users.append(_user(dataset.seed, client.index, 30_000 + n, upn, f"Partner guest {n + 1}", True,
                                      "Guest", f"guest{n}@partner.example", []))
        for user in tenant.users:
            for licence in user["assignedLicenses"]:
                holders[_part_of(licence["skuId"])] += 1
        unused = rng.choice((0, 0, 1, 2, 5))
        for part in parts:
            bought = holders[part] + (unused if part == main else 0)
            tenant.skus.append(_sku(tenant.tenant_id, part, bought, holders[part]))
        tenant.facts = {"main_sku": main, "unused_main": unused,
                        "planted_disabled_licensed": roles.count("disabled_licensed"),
                        "exchange_plan_disabled": roles.count("exchange_off"),
                        "licensed_without_mail": roles.count("no_mail"), "leavers": roles.count("leaver")}
        tenants.append(tenant)
    return GraphData(tenants, client_id, client_secret)


def product_names_csv(names: dict[str, str] | None = None) -> bytes:
    """Microsoft's product-names CSV for the SKUs above (UTF-8 with a BOM, CRLF, as Microsoft's download): one row
    per SKU and service plan, `GUID` the skuId the tenants carry, `Service_Plan_Id` their servicePlanId.
    `names` overrides Microsoft's product names (tests rename one to see it arrive)."""
    names = {**PRODUCT_NAMES, **(names or {})}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(PRODUCT_NAMES_COLUMNS)
    for part in sorted(SKUS, key=lambda code: names[code]):
        mailbox, others = SKUS[part]
        for plan in ((mailbox,) if mailbox else ()) + others:
            writer.writerow((names[part], part, sku_id(part), plan, plan_id(plan), PLAN_NAMES[plan]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# The download page a staff member may paste instead of the file's own address (an HTML page, not the CSV).
DOWNLOAD_PAGE = (
    b"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Product names and service plan identifiers "
    b"for licensing (simulated)</title></head><body><h1>Product names and service plan identifiers for licensing</h1>"
    b"<p><a href='product-names.csv'>Download the CSV</a></p></body></html>"
)


def _part_of(sku: str) -> str:
    return next(part for part in SKUS if sku_id(part) == sku)


def _user(seed, client, n, upn, name, enabled, user_type, mail, licences) -> dict:
    return {"id": _uuid(seed, "m365-user", client, n), "userPrincipalName": upn, "displayName": name,
            "accountEnabled": enabled, "userType": user_type, "mail": mail, "assignedLicenses": licences,
            "createdDateTime": "2024-01-15T09:00:00Z"}


def _sku(tenant_id: str, part: str, bought: int, consumed: int) -> dict:
    mailbox, others = SKUS[part]
    plans = [{"servicePlanId": plan_id(name), "servicePlanName": name, "provisioningStatus": "Success",
              "appliesTo": "User"} for name in ((mailbox,) if mailbox else ()) + others]
    return {"id": f"{tenant_id}_{sku_id(part)}", "skuId": sku_id(part), "skuPartNumber": part,
            "capabilityStatus": "Enabled", "appliesTo": "User", "consumedUnits": consumed,
            "prepaidUnits": {"enabled": bought, "suspended": 0, "warning": 0, "lockedOut": 0},
            "servicePlans": plans}


class GraphSimulator(SimulatorServer):
    vendor = "graph"

    def __init__(self, data: GraphData, *, token_ttl: int = 3600, max_page_size: int | None = None, **kwargs):
        super().__init__(dataset=None, **kwargs)
        self.data = data
        self.token_ttl = token_ttl
        self.max_page_size = max_page_size
        self._tokens: dict[str, tuple[str, float]] = {}
        self.revoked: dict[str, str] = {}
        self.tokens_issued = 0
        self._guard = threading.Lock()
        self.product_names: dict[str, str] = {}  # overrides of PRODUCT_NAMES in the served CSV

    @property
    def url(self) -> str:
        return self.origin

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def product_names_url(self) -> str:
        return f"{self.url}{PRODUCT_NAMES_PATH}"

    def settings(self) -> dict:
        """The hub settings (and environment variables) that point the Microsoft 365 collector here, and the
        product-names refresh (`import_m365_sku_names --download`)."""
        return {"ESINV_M365_AUTHORITY": self.url, "ESINV_M365_GRAPH_URL": self.url,
                "ESINV_M365_CLIENT_ID": self.data.client_id, "ESINV_M365_CLIENT_SECRET": self.data.client_secret,
                "ESINV_M365_PRODUCT_NAMES_URL": self.product_names_url}

    def revoke(self, tenant_id: str, how: str = "consent"):
        if how not in ("consent", "app"):
            raise ValueError("how must be 'consent' (Graph answers 403) or 'app' (the token is refused)")
        with self._guard:
            self.revoked[tenant_id] = how

    def restore(self, tenant_id: str | None = None):
        with self._guard:
            if tenant_id is None:
                self.revoked.clear()
            else:
                self.revoked.pop(tenant_id, None)

    def expire_tokens(self):
        with self._guard:
            self._tokens.clear()

    def error_body(self, status: int, message: str) -> dict:
        codes = {401: "InvalidAuthenticationToken", 403: "Authorization_RequestDenied", 429: "TooManyRequests"}
        return {"error": {"code": codes.get(status, "generalException"), "message": message,
                          "innerError": {"request-id": secrets.token_hex(8)}}}

    def _control(self, method, path, body):
        if path == "revoke":
            try:
                data = json.loads(body or b"{}")
                if method == "DELETE":
                    self.restore(data.get("tenant_id"))
                else:
                    self.revoke(str(data["tenant_id"]), data.get("how", "consent"))
            except (ValueError, KeyError, TypeError) as exc:
                return 400, {"error": str(exc)}, None
            return 200, {"revoked": dict(self.revoked)}, None
        return super()._control(method, path, body)

    def stats(self) -> dict:
        return {**super().stats(), "revoked": dict(self.revoked), "tokens_issued": self.tokens_issued}

    def route(self, method, path, query, headers, body):
        parts = path.strip("/").split("/")
        if method == "POST" and len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"]:
            return self._token(parts[0], body)
        if method == "GET" and path.lower().startswith("/licensing/"):  # Microsoft's public download: no token
            return self._licensing(path.lower())
        auth = headers.get("Authorization") or ""
        token = auth[7:] if auth[:7].lower() == "bearer " else ""
        with self._guard:
            tenant_id, expiry = self._tokens.get(token, ("", 0.0))
            how = self.revoked.get(tenant_id)
        if expiry < time.monotonic():
            return 401, self.error_body(401, "Access token has expired or is not yet valid."), None
        if how == "consent":
            return 403, self.error_body(403, "Insufficient privileges to complete the operation."), None
        tenant = self.data.by_id[tenant_id]
        lowered = path.rstrip("/").lower()
        if method == "GET" and lowered == "/v1.0/subscribedskus":
            return 200, {"@odata.context": f"{self.url}/v1.0/$metadata#subscribedSkus", "value": tenant.skus}, None
        if method == "GET" and lowered == "/v1.0/users":
            return self._users(tenant, query)
        return 404, {"error": {"code": "Request_ResourceNotFound", "message": f"Unknown resource {path}"}}, None

    def _licensing(self, path: str):
        if path == PRODUCT_NAMES_PATH:
            return 200, product_names_csv(self.product_names), {
                "Content-Type": "application/octet-stream",
                "Content-Disposition": 'attachment; filename="Product names and service plan identifiers for '
                                       'licensing.csv"'}
        if path.rstrip("/") in ("/licensing", "/licensing/download.html"):
            return 200, DOWNLOAD_PAGE, {"Content-Type": "text/html; charset=utf-8"}
        return 404, b"404 - File or directory not found.", {"Content-Type": "text/plain"}  # a CDN's, not Graph's

    def _token(self, tenant_id: str, body: bytes):
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003: grant type"}, None
        if tenant_id not in self.data.by_id:
            return 400, {"error": "invalid_request",
                         "error_description": f"AADSTS90002: Tenant '{tenant_id}' not found."}, None
        if self.revoked.get(tenant_id) == "app":
            return 401, {"error": "unauthorized_client", "error_description": (
                f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not found in the "
                f"directory '{tenant_id}'.")}, None
        if form.get("client_id") != self.data.client_id or form.get("client_secret") != self.data.client_secret:
            return 401, {"error": "invalid_client",
                         "error_description": "AADSTS7000215: Invalid client secret provided."}, None
        if not str(form.get("scope") or "").endswith("/.default"):
            return 400, {"error": "invalid_scope", "error_description": "AADSTS70011: invalid scope"}, None
        token = secrets.token_urlsafe(24)
        with self._guard:
            self._tokens[token] = (tenant_id, time.monotonic() + self.token_ttl)
            self.tokens_issued += 1
        return 200, {"token_type": "Bearer", "expires_in": self.token_ttl, "ext_expires_in": self.token_ttl,
                     "access_token": token}, None

    def _users(self, tenant: GraphTenant, query: dict):
        try:
            top = int(query.get("$top") or 100)
            skip = int(query.get("$skiptoken") or 0)
        except ValueError:
            return 400, {"error": {"code": "BadRequest", "message": "Invalid $top or $skiptoken"}}, None
        if not 1 <= top <= 999:
            return 400, {"error": {"code": "BadRequest", "message": "Invalid page size specified: '$top'."}}, None
        size = min(top, self.max_page_size or top)
        selected = [f for f in (query.get("$select") or "").split(",") if f]
        rows = tenant.users[skip:skip + size]
        if selected:
            rows = [{key: user[key] for key in ["id", *selected] if key in user} for user in rows]
        payload = {"@odata.context": f"{self.url}/v1.0/$metadata#users", "value": rows}
        if skip + size < len(tenant.users):
            select = f"$select={quote(','.join(selected), safe=',')}&" if selected else ""
            payload["@odata.nextLink"] = f"{self.url}/v1.0/users?{select}$top={top}&$skiptoken={skip + size}"
        return 200, payload, None


def main(argv=None):
    """Serve the Graph simulator for a generated MSP until interrupted; print the settings pointing at it."""
    import argparse

    from collectors.simulators.dataset import generate_msp

    parser = argparse.ArgumentParser(description="Serve a fake Microsoft Graph until interrupted.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5413)
    parser.add_argument("--devices", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    data = generate_graph(generate_msp(devices=args.devices, seed=args.seed))
    sim = GraphSimulator(data, host=args.host, port=args.port).start()
    for name, value in sim.settings().items():
        print(f"export {name}={value}")
    print(f"# {len(data.tenants)} tenants, {sum(len(t.users) for t in data.tenants)} users; Ctrl-C stops")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
