"""A fake ConnectWise Manage server on loopback, with generated tickets and time entries.

    data = generate_connectwise(seed=7)
    with ConnectWiseSimulator(data) as sim:
        sim.inject("rate_limit", retry_after=1, path="tickets/count")
        settings.CONNECTWISE_BASE_URL = sim.url   # and sim.settings() for the keys

Serves `GET service/tickets/count`, `GET service/tickets` and
`GET time/entries`, and, for billing, `GET finance/agreements` (and `/count`),
`GET finance/agreements/{id}/additions` (and `/count`) and
`GET company/companies` under `/v4_6_release/apis/3.0/`, checking the Basic
authorization and the `clientId` header. `conditions` are parsed and
evaluated (the subset of ConnectWise's grammar the collector uses: `=`, `!=`,
`<`, `<=`, `>`, `>=`, `like`, `in`, `not in`, `AND`/`OR`, parentheses,
`"strings"`, `[datetimes]`, numbers, true/false/null); an unknown field or a
malformed condition is a 400, as ConnectWise answers, so a wrong condition
fails a test. `page`/`pageSize` (max 1000), `fields` (top-level projection)
and `orderBy=id asc|desc` are honoured. Faults come from the shared
`FaultPlan` (`rate_limit`, `server_error`, `truncate`, `unauthorized`, `slow`).

`ConnectWiseData.expected(start, end, boards, statuses)` computes the metrics
for a month straight from the generated rows (plain Python, no conditions),
which is what tests compare the collector with.

Agreements come from the generated MSP (`add_agreements(data, generate_msp(...))`, docs/billing.md): one
company per customer client named as the hub's organization, a "Managed Services" agreement per client whose
additions bill its NinjaOne seats (`MANAGED-WS`), servers (`MANAGED-SRV`) and ThreatLocker devices
(`THREATLOCKER`) as the simulators serve them today, and the Microsoft 365 Business Premium licences (`M365-BP`,
SPB) each client's Graph tenant has BOUGHT, with planted billing facts in known numbers (`data.billing_facts`): one
client billed for fewer seats than NinjaOne manages, one for more, one for fewer SPB licences than bought; plus lines
that bill nothing (DoNotBill, NoCharge), seats included in a bundle (`lessIncluded`), cancelled additions and
inactive agreements (not served under the collector's conditions) and a company no organization matches.
"""
import base64
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from collectors.simulators.servers import SimulatorServer

API_PREFIX = "/v4_6_release/apis/3.0/"
BOARDS = ("Help Desk", "Projects", "Alerts", 'Escalations "Tier 2"')
BOARD_WEIGHTS = (55, 20, 15, 10)
OPEN_STATUSES = ("New", "In Progress", "Waiting Customer")
CLOSED_STATUSES = ("Closed", "Completed")
MAX_PAGE_SIZE = 1000


@dataclass
class ConnectWiseData:
    tickets: list[dict] = field(default_factory=list)
    time_entries: list[dict] = field(default_factory=list)
    companies: list[dict] = field(default_factory=list)
    agreements: list[dict] = field(default_factory=list)
    additions: list[dict] = field(default_factory=list)
    # What add_agreements planted: under_billed / over_billed [{company, product, billed, measured}], unmapped
    # company names, the cancelled additions' and inactive agreements' ids.
    billing_facts: dict = field(default_factory=dict)

    def active_agreements(self) -> list[dict]:
        return [a for a in self.agreements if a["agreementStatus"] == "Active" and not a["cancelledFlag"]]

    def current_additions(self) -> list[dict]:
        """Additions of active agreements without a cancelledDate (what the collector should store)."""
        active = {a["id"] for a in self.active_agreements()}
        return [a for a in self.additions if a["agreementId"] in active and a["cancelledDate"] is None]

    def expected(self, start: datetime, end: datetime, boards, statuses=()) -> dict:
        """created / closed counts and reactive hours for [start, end), from the rows themselves."""
        boards, statuses = set(boards), set(statuses)

        def reactive(ticket):
            return ticket["board"]["name"] in boards and (not statuses or ticket["status"]["name"] in statuses)

        def inside(text):
            return text is not None and start <= _parse_dt(text) < end

        by_id = {t["id"]: t for t in self.tickets}
        created = sum(1 for t in self.tickets if reactive(t) and inside(t["dateEntered"]))
        closed = sum(1 for t in self.tickets if reactive(t) and inside(t.get("closedDate")))
        hours = Decimal(0)
        for entry in self.time_entries:
            ticket = by_id.get(entry["chargeToId"]) if entry["chargeToType"] == "ServiceTicket" else None
            if ticket and reactive(ticket) and inside(entry["timeStart"]):
                hours += entry_hours(entry)
        return {"created": created, "closed": closed, "hours": hours}


def entry_hours(entry: dict) -> Decimal:
    """The hours of a time entry: `actualHours`, else timeEnd - timeStart - hoursDeducted (never negative)."""
    if entry.get("actualHours") is not None:
        return Decimal(str(entry["actualHours"]))
    if entry.get("timeStart") and entry.get("timeEnd"):
        seconds = (_parse_dt(entry["timeEnd"]) - _parse_dt(entry["timeStart"])).total_seconds()
        worked = Decimal(str(round(seconds / 3600, 4))) - Decimal(str(entry.get("hoursDeducted") or 0))
        return max(Decimal(0), worked)
    return Decimal(0)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_dt(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def generate_connectwise(*, seed: int = 7, first_month: tuple[int, int] = (2026, 8), months: int = 4,
                         tickets_per_month: int = 60) -> ConnectWiseData:
    """Tickets over `months` months from `first_month` on several boards and statuses, and their time.

    Some tickets sit exactly on a month's first second or last second, some
    close in a later month, some time entries start in the next month, some
    have no `actualHours` (only start/end and a deduction), and some time is
    charged to charge codes or project tickets (never reactive).
    """
    rng = random.Random(seed)
    data = ConnectWiseData()
    year, month = first_month
    ticket_id, entry_id = 1000, 50_000
    for _ in range(months):
        start = datetime(year, month, 1, tzinfo=UTC)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        end = datetime(year, month, 1, tzinfo=UTC)
        span = int((end - start).total_seconds())
        moments = [start, end - timedelta(seconds=1)] + [
            start + timedelta(seconds=rng.randrange(span)) for _ in range(tickets_per_month - 2)
        ]
        for entered in moments:
            ticket_id += rng.randint(1, 3)  # ids with gaps, like a real database
            board = rng.choices(BOARDS, BOARD_WEIGHTS)[0]
            closed = rng.random() < 0.7
            status = rng.choice(CLOSED_STATUSES if closed else OPEN_STATUSES)
            closed_at = entered + timedelta(hours=rng.randint(1, 24 * 12)) if closed else None
            data.tickets.append({
                "id": ticket_id, "summary": f"Ticket {ticket_id}", "board": {"id": BOARDS.index(board) + 1,
                                                                           "name": board},
                "status": {"id": 10 + (CLOSED_STATUSES + OPEN_STATUSES).index(status), "name": status},
                "dateEntered": _iso(entered), "closedDate": _iso(closed_at) if closed_at else None,
                "closedFlag": closed,
            })
            for _ in range(rng.randint(0, 3)):
                entry_id += 1
                begin = entered + timedelta(minutes=rng.randint(5, 60 * 24 * 6))
                hours = Decimal(rng.randint(1, 12)) / 4
                actual = None if rng.random() < 0.1 else float(hours)
                deducted = 0.25 if actual is None and hours > 1 else 0.0
                charge_type = "ProjectTicket" if board == "Projects" else "ServiceTicket"
                data.time_entries.append({
                    "id": entry_id, "chargeToId": ticket_id, "chargeToType": charge_type,
                    "timeStart": _iso(begin), "timeEnd": _iso(begin + timedelta(hours=float(hours))),
                    "actualHours": actual, "hoursDeducted": deducted, "member": {"identifier": "tech"},
                })
        for _ in range(5):  # admin time on a charge code, same ids space as tickets on purpose
            entry_id += 1
            begin = start + timedelta(seconds=rng.randrange(span))
            data.time_entries.append({
                "id": entry_id, "chargeToId": data.tickets[-1]["id"], "chargeToType": "ChargeCode",
                "timeStart": _iso(begin), "timeEnd": _iso(begin + timedelta(hours=1)), "actualHours": 1.0,
                "hoursDeducted": 0.0, "member": {"identifier": "admin"},
            })
    data.time_entries.sort(key=lambda e: e["id"])
    return data


def first_of_recent_months(today, months: int) -> tuple[int, int]:
    """(year, month) of the first of `months` months that end with `today`'s month."""
    index = today.year * 12 + today.month - 1 - (max(1, months) - 1)
    return index // 12, index % 12 + 1


def generate_recent(*, today, months: int = 4, tickets_per_month: int = 60, seed: int = 7) -> ConnectWiseData:
    """`generate_connectwise` over the `months` months ending with `today`'s (the demo's and `main`'s history)."""
    return generate_connectwise(seed=seed, first_month=first_of_recent_months(today, months), months=max(1, months),
                                tickets_per_month=tickets_per_month)


# --- agreements (billing) ---------------------------------------------------------
PRODUCTS = {  # product identifier -> (product id, description, unit price, unit cost)
    "MANAGED-WS": (501, "Managed workstation (per seat)", "95.00", "31.50"),
    "MANAGED-SRV": (502, "Managed server", "175.00", "60.00"),
    "THREATLOCKER": (503, "ThreatLocker allowlisting (per device)", "12.50", "6.00"),
    "BACKUP-M365": (504, "Microsoft 365 backup (per user)", "4.00", "1.75"),
    "ONBOARDING": (505, "Onboarding (waived)", "0.00", "0.00"),
    "M365-BP": (506, "Microsoft 365 Business Premium (per licence)", "26.00", "22.00"),
}
LICENCE_PRODUCT, LICENCE_SKU = "M365-BP", "SPB"  # the licence line billed to clients whose tenant has SPB
UNMAPPED_COMPANY = "Quarry Hill Brewing Company"  # a company no organization or alias matches


def measured_counts(dataset, offset: int = 0) -> dict[int, dict[str, int]]:
    """Per client index: NinjaOne seats and servers (the QBR rules: billable, not spare, not internal) and
    ThreatLocker devices, counted from the rows the simulators serve on that day."""
    from collectors.simulators.dataset import SPARE_PATTERN
    from inventory.classification import (
        billing_status_for,
        counts_as_endpoint,
        counts_as_seat,
        device_class_for,
        is_spare,
    )

    counts = {c.index: {"seats": 0, "servers": 0, "threatlocker": 0} for c in dataset.clients}
    ninja, tl = dataset.day(offset)
    for row in ninja:
        client = dataset.clients[row.org_id - 1]
        location = dataset.locations.get(row.location_id, (0, ""))[1]
        device_class = device_class_for(row.machine.node_class)
        status = billing_status_for(device_class, is_spare(row.display_name, location, pattern=SPARE_PATTERN),
                                    client.internal)
        if counts_as_seat(device_class, status):
            counts[client.index]["seats"] += 1
        elif counts_as_endpoint(device_class, status):
            counts[client.index]["servers"] += 1
    for row in tl:
        counts[row.client]["threatlocker"] += 1
    return counts


def add_agreements(data: ConnectWiseData, dataset, *, under_by: int = 3, over_by: int = 2, licences_under_by: int = 2,
                   graph=None) -> ConnectWiseData:
    """Companies, agreements and additions for every customer client of `dataset` (see the module docstring).

    Quantities bill what the simulators serve today (`measured_counts`), except the planted facts: the first
    client with seats is billed `under_by` seats fewer than it has (under-billed), the second `over_by` more
    (over-billed). Every client whose Microsoft 365 tenant (the Graph simulator's `graph`, generated from the same
    dataset when not given) has SPB is billed `M365-BP` for the SPB licences it BOUGHT, except the first such client
    that is not one of the two above: billed `licences_under_by` licences fewer (under-billed licences). Facts:
    `billing_facts["licences"]` {company: {product, sku, billed, bought, assigned, unit_price, unit_cost}}.
    Deterministic for the dataset's seed."""
    rng = random.Random(f"{dataset.seed}/cw-agreements")
    measured = measured_counts(dataset)
    facts = {"under_billed": [], "over_billed": [], "unmapped_companies": [UNMAPPED_COMPANY],
             "cancelled_additions": [], "inactive_agreements": [], "measured": {}, "licences": {}}
    company_id, agreement_id, addition_id = 19_000, 700, 90_000
    start = "2024-01-01T00:00:00Z"
    customers = [c for c in dataset.clients if not c.internal]
    with_seats = [c.index for c in customers if measured[c.index]["seats"] > max(under_by, 1)]
    under, over = (with_seats + [None, None])[:2]

    def addition(agreement, product, quantity, *, less=0, bill="Billable", cancelled=None, price=None):
        nonlocal addition_id
        addition_id += rng.randint(1, 4)
        pid, description, unit_price, unit_cost = PRODUCTS[product]
        row = {"id": addition_id, "product": {"id": pid, "identifier": product}, "description": description,
               "quantity": quantity, "lessIncluded": less, "unitPrice": float(price or unit_price),
               "unitCost": float(unit_cost), "billCustomer": bill, "effectiveDate": start,
               "cancelledDate": cancelled, "agreementId": agreement["id"]}
        data.additions.append(row)
        return row

    def agreement(company, name, kind, *, status="Active", cancelled=False, end=None):
        nonlocal agreement_id
        agreement_id += rng.randint(1, 3)
        row = {"id": agreement_id, "name": name, "type": {"id": 1 if kind == "Managed Services" else 2, "name": kind},
               "company": {"id": company["id"], "identifier": company["identifier"], "name": company["name"]},
               "agreementStatus": status, "startDate": start, "endDate": end, "cancelledFlag": cancelled,
               "billingCycle": {"id": 1, "name": "Monthly"}}
        data.agreements.append(row)
        return row

    def company(identifier, name):
        nonlocal company_id
        company_id += rng.randint(1, 5)
        row = {"id": company_id, "identifier": identifier, "name": name, "status": {"id": 1, "name": "Active"}}
        data.companies.append(row)
        return row

    managed_of: dict[int, dict] = {}
    for position, client in enumerate(customers):
        # Mostly the organization's own name; sometimes in other case or spacing (names match regardless).
        roll = rng.random()
        name = client.ninja_name.upper() if roll < 0.15 else client.ninja_name.replace(" ", "  ", 1) \
            if roll < 0.25 else client.ninja_name
        firm = company(client.code, name)
        counts = measured[client.index]
        facts["measured"][client.ninja_name] = dict(counts)
        managed = agreement(firm, f"{client.ninja_name} - Managed Services", "Managed Services")
        managed_of[client.index] = managed
        seats = counts["seats"]
        # Seats included in a bundle (lessIncluded): billed through another line, not this one.
        bundle = 5 if (position == 1 or rng.random() < 0.3) and seats > 5 else 0
        billed = seats + (-under_by if client.index == under else over_by if client.index == over else 0)
        if client.index == under:
            facts["under_billed"].append({"company": client.ninja_name, "product": "MANAGED-WS", "billed": billed,
                                          "measured": seats, "unit_price": PRODUCTS["MANAGED-WS"][2]})
        elif client.index == over:
            facts["over_billed"].append({"company": client.ninja_name, "product": "MANAGED-WS", "billed": billed,
                                         "measured": seats, "unit_price": PRODUCTS["MANAGED-WS"][2]})
        addition(managed, "MANAGED-WS", billed + bundle, less=bundle)
        if counts["servers"]:
            addition(managed, "MANAGED-SRV", counts["servers"])
        if counts["threatlocker"]:
            addition(managed, "THREATLOCKER", counts["threatlocker"])
        if position == 2 or rng.random() < 0.3:
            addition(managed, "ONBOARDING", 1, bill="NoCharge")
        if position == 2 or rng.random() < 0.3:
            addition(managed, "BACKUP-M365", rng.randint(3, 20), bill="DoNotBill")
        if position == 0 or rng.random() < 0.4:  # a line cancelled last month: not billed any more
            gone = addition(managed, "BACKUP-M365", rng.randint(3, 20), cancelled="2026-01-31T00:00:00Z")
            facts["cancelled_additions"].append(gone["id"])
        if position == 0 or rng.random() < 0.25:  # an old agreement, expired or cancelled: never served as active
            old = agreement(firm, f"{client.ninja_name} - 2023 Block Time", "Block Time",
                            status=rng.choice(("Expired", "Cancelled")), end="2023-12-31T00:00:00Z")
            facts["inactive_agreements"].append(old["id"])
    stranger = company("QHB", UNMAPPED_COMPANY)
    block = agreement(stranger, f"{UNMAPPED_COMPANY} - Managed Services", "Managed Services")
    addition(block, "MANAGED-WS", 7)
    # Microsoft 365 licences resold (after every other line, so the lines above keep their generated values).
    if graph is None:
        from collectors.simulators.graph import generate_graph

        graph = generate_graph(dataset)
    skus = {t.client_index: {sku["skuPartNumber"]: sku for sku in t.skus} for t in graph.tenants}
    licence_under = None
    _, _, unit_price, unit_cost = PRODUCTS[LICENCE_PRODUCT]
    for client in customers:
        sku = skus.get(client.index, {}).get(LICENCE_SKU)
        if sku is None or client.index not in managed_of:
            continue
        bought, assigned = sku["prepaidUnits"]["enabled"], sku["consumedUnits"]
        billed = bought
        if licence_under is None and client.index not in (under, over) and bought > licences_under_by:
            licence_under, billed = client.index, bought - licences_under_by
            facts["under_billed"].append({"company": client.ninja_name, "product": LICENCE_PRODUCT, "billed": billed,
                                          "measured": bought, "unit_price": unit_price})
        addition(managed_of[client.index], LICENCE_PRODUCT, billed)
        facts["licences"][client.ninja_name] = {
            "product": LICENCE_PRODUCT, "sku": LICENCE_SKU, "billed": billed, "bought": bought, "assigned": assigned,
            "unit_price": unit_price, "unit_cost": unit_cost}
    data.billing_facts = facts
    return data


# --- the conditions language (the subset the collector uses) ---------------------
class ConditionError(ValueError):
    pass


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<datetime>\[[^\]]*\])
    | (?P<op><=|>=|!=|=|<|>)
    | (?P<paren>[(),])
    | (?P<word>[A-Za-z_][A-Za-z0-9_/]*)
    | (?P<number>-?\d+(?:\.\d+)?)
    )""", re.VERBOSE)

TICKET_FIELDS = {"id", "summary", "board/id", "board/name", "status/id", "status/name", "dateEntered",
                 "closedDate", "closedFlag"}
TIME_FIELDS = {"id", "chargeToId", "chargeToType", "timeStart", "timeEnd", "actualHours", "hoursDeducted",
               "member/identifier"}
AGREEMENT_FIELDS = {"id", "name", "type/id", "type/name", "company/id", "company/identifier", "company/name",
                    "agreementStatus", "startDate", "endDate", "cancelledFlag", "billingCycle/name"}
ADDITION_FIELDS = {"id", "product/id", "product/identifier", "description", "quantity", "lessIncluded",
                   "unitPrice", "unitCost", "billCustomer", "effectiveDate", "cancelledDate", "agreementId"}
COMPANY_FIELDS = {"id", "identifier", "name", "status/name"}
DATE_FIELDS = {"dateEntered", "closedDate", "timeStart", "timeEnd", "startDate", "endDate", "effectiveDate",
               "cancelledDate"}
_ADDITIONS = re.compile(r"^finance/agreements/(\d+)/additions(/count)?$")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ConditionError(f"unexpected input at position {position}: {text[position:position + 20]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def parse_conditions(text: str, fields: set[str]):
    """A predicate `row -> bool` for a conditions string; ConditionError when malformed or naming a bad field."""
    tokens = _tokens(text or "")
    if not tokens:
        return lambda row: True
    position = 0

    def peek(offset=0):
        index = position + offset
        return tokens[index] if index < len(tokens) else (None, None)

    def take(kind=None, value=None):
        nonlocal position
        token = peek()
        if token[0] is None or (kind and token[0] != kind) or (value and token[1].lower() != value):
            raise ConditionError(f"expected {value or kind} at token {position + 1}, found {token[1]!r}")
        position += 1
        return token

    def expression():
        left = conjunction()
        while peek()[0] == "word" and peek()[1].lower() == "or":
            take()
            right = conjunction()
            left = (lambda a, b: lambda row: a(row) or b(row))(left, right)
        return left

    def conjunction():
        left = primary()
        while peek()[0] == "word" and peek()[1].lower() == "and":
            take()
            right = primary()
            left = (lambda a, b: lambda row: a(row) and b(row))(left, right)
        return left

    def primary():
        if peek() == ("paren", "("):
            take()
            inner = expression()
            take("paren", ")")
            return inner
        return comparison()

    def literal(name):
        kind, raw = take()
        if kind == "string":
            return re.sub(r"\\(.)", r"\1", raw[1:-1])
        if kind == "datetime":
            try:
                moment = datetime.fromisoformat(raw[1:-1].replace("Z", "+00:00"))
            except ValueError:
                raise ConditionError(f"bad datetime {raw}") from None
            if moment.tzinfo is None:
                raise ConditionError(f"datetime {raw} has no time zone")
            return moment
        if kind == "number":
            return float(raw) if "." in raw else int(raw)
        if kind == "word" and raw.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[raw.lower()]
        raise ConditionError(f"expected a value for {name}, found {raw!r}")

    def comparison():
        kind, name = take("word")
        if name not in fields:
            raise ConditionError(f"unknown field {name!r}")
        if peek()[0] == "word" and peek()[1].lower() in ("in", "not", "like"):
            word = take()[1].lower()
            if word == "like":
                pattern = literal(name)
                if not isinstance(pattern, str):
                    raise ConditionError(f"like needs a string for {name}")
                regex = re.compile("^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$", re.I)
                return lambda row: isinstance(_get(row, name), str) and bool(regex.match(_get(row, name)))
            negate = word == "not"
            if negate:
                take("word", "in")
            take("paren", "(")
            values = [literal(name)]
            while peek() == ("paren", ","):
                take()
                values.append(literal(name))
            take("paren", ")")
            return lambda row: (_get(row, name) in values) != negate
        op = take("op")[1]
        value = literal(name)
        if name in DATE_FIELDS and value is not None and not isinstance(value, datetime):
            raise ConditionError(f"{name} must be compared with a [datetime]")
        if isinstance(value, datetime) and name not in DATE_FIELDS:
            raise ConditionError(f"{name} is not a date field")
        return lambda row: _compare(_typed(row, name), op, value)

    predicate = expression()
    if position != len(tokens):
        raise ConditionError(f"unexpected {tokens[position][1]!r} after a complete condition")
    return predicate


def _get(row: dict, path: str):
    value = row
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _typed(row, name):
    value = _get(row, name)
    return _parse_dt(value) if name in DATE_FIELDS and isinstance(value, str) else value


def _compare(left, op, right) -> bool:
    if op == "=":
        return (left.lower() == right.lower()) if isinstance(left, str) and isinstance(right, str) else left == right
    if op == "!=":
        return not _compare(left, "=", right)
    if left is None or right is None:
        return False  # as in SQL: no order against null
    try:
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
    except TypeError:
        return False


# --- the server -----------------------------------------------------------------
class ConnectWiseSimulator(SimulatorServer):
    vendor = "connectwise"

    def __init__(self, dataset: ConnectWiseData, *, company="esmsp", public_key="sim-public", private_key="sim-private",
                 client_id="00000000-0000-4000-8000-00000000c11d", **kwargs):
        super().__init__(dataset, **kwargs)
        self.company, self.public_key, self.private_key, self.client_id = company, public_key, private_key, client_id
        self.seen_conditions: list[tuple[str, str]] = []  # (resource, conditions) in arrival order

    @property
    def url(self) -> str:
        return f"{self.origin}{API_PREFIX}"

    def settings(self) -> dict:
        return {"CONNECTWISE_BASE_URL": self.url, "CONNECTWISE_COMPANY": self.company,
                "CONNECTWISE_PUBLIC_KEY": self.public_key, "CONNECTWISE_PRIVATE_KEY": self.private_key,
                "CONNECTWISE_CLIENT_ID": self.client_id}

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def error_body(self, status: int, message: str) -> dict:
        code = {400: "InvalidObject", 401: "Unauthorized", 404: "NotFound", 429: "TooManyRequests"}.get(
            status, "UnexpectedError")
        return {"code": code, "message": message}

    def _authorized(self, headers) -> bool:
        expected = base64.b64encode(f"{self.company}+{self.public_key}:{self.private_key}".encode()).decode()
        return (headers.get("Authorization") or "") == f"Basic {expected}" and \
            (headers.get("clientId") or "") == self.client_id

    def route(self, method, path, query, headers, body):
        if not path.lower().startswith(API_PREFIX):
            return 404, self.error_body(404, "Not found"), None
        if not self._authorized(headers):
            return 401, self.error_body(401, "Authentication failed: bad company, keys or clientId"), None
        if method != "GET":
            return 405, self.error_body(405, "Use GET"), None
        resource = path[len(API_PREFIX):].strip("/").lower()
        data = self.dataset
        tables = {"service/tickets": (data.tickets, TICKET_FIELDS),
                  "service/tickets/count": (data.tickets, TICKET_FIELDS),
                  "time/entries": (data.time_entries, TIME_FIELDS),
                  "finance/agreements": (data.agreements, AGREEMENT_FIELDS),
                  "finance/agreements/count": (data.agreements, AGREEMENT_FIELDS),
                  "company/companies": (data.companies, COMPANY_FIELDS),
                  "company/companies/count": (data.companies, COMPANY_FIELDS)}
        additions = _ADDITIONS.match(resource)
        if additions:
            agreement_id = int(additions.group(1))
            if not any(a["id"] == agreement_id for a in data.agreements):
                return 404, self.error_body(404, f"Agreement {agreement_id} not found"), None
            rows, fields = [a for a in data.additions if a["agreementId"] == agreement_id], ADDITION_FIELDS
        elif resource not in tables:
            return 404, self.error_body(404, f"Unknown resource {resource}"), None
        else:
            rows, fields = tables[resource]
        conditions = query.get("conditions", "")
        with self._lock:
            self.seen_conditions.append((resource, conditions))
        try:
            predicate = parse_conditions(conditions, fields)
            matched = [row for row in rows if predicate(row)]
        except ConditionError as exc:
            return 400, self.error_body(400, f"conditions: {exc}"), None
        if resource.endswith("/count"):
            return 200, {"count": len(matched)}, None
        try:
            page = max(1, int(query.get("page", 1)))
            page_size = max(1, min(MAX_PAGE_SIZE, int(query.get("pageSize", 25))))
        except ValueError:
            return 400, self.error_body(400, "page and pageSize must be numbers"), None
        order = (query.get("orderBy") or "id asc").lower().split()
        if order[0] != "id":
            return 400, self.error_body(400, f"orderBy {order[0]!r} not supported by the simulator"), None
        matched.sort(key=lambda row: row["id"], reverse=order[-1] == "desc")
        chosen = matched[(page - 1) * page_size: page * page_size]
        projection = [f.strip().split("/")[0] for f in (query.get("fields") or "").split(",") if f.strip()]
        if projection:
            chosen = [{key: row[key] for key in projection if key in row} for row in chosen]
        return 200, chosen, None


def main(argv=None):
    """`python -m collectors.simulators.connectwise [--port 5412] [--seed 7] [--tickets 60] [--months 4]`."""
    import argparse
    import threading
    from datetime import date

    parser = argparse.ArgumentParser(description="Serve a fake ConnectWise Manage API until interrupted.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5412)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tickets", type=int, default=60, help="tickets per month")
    parser.add_argument("--months", type=int, default=4, help="months of history, ending with the current one")
    options = parser.parse_args(argv)
    data = generate_recent(today=date.today(), months=options.months, tickets_per_month=options.tickets,
                           seed=options.seed)
    sim = ConnectWiseSimulator(data, host=options.host, port=options.port).start()
    print(f"Simulating ConnectWise: {len(data.tickets)} tickets, {len(data.time_entries)} time entries. Use:")
    for name, value in sim.settings().items():
        print(f"  export {name}={value}")
    print('Faults: POST /_simulator/faults {"kind": "rate_limit", "retry_after": 2}; GET /_simulator/stats')
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
