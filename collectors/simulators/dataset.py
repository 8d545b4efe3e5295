"""A generated MSP for the vendor simulators: clients, devices, and every exception type in known numbers.

`generate_msp(devices=N, seed=S)` plans N machines over tens of clients. Most
are clean (present in both vendors as they should be); a known number carry a
*planted* exception of each type (docs/domain.md, "Exceptions"), each on its own machine so the
types never interact:

| type | how it is planted |
| --- | --- |
| MISSING_NINJA | a Windows computer in ThreatLocker only (its key appears in no NinjaOne row) |
| MISSING_THREATLOCKER | a billable Windows workstation/server of a client (not internal, not spare) in NinjaOne only |
| DUPLICATE_TL | one NinjaOne device, two ThreatLocker computers, same hostname (the `.old.local` copy: checked in |
|              | 30+ days ago, older agent) |
| DUPLICATE_NINJA | two NinjaOne devices (different ids, one offline), same systemName; one TL computer |
| SPARE_MISMATCH | a NinjaOne spare (location `SPARE Shelf`, or display note `SPARE - ...` that |
|                | ThreatLocker repeats exactly) still in ThreatLocker |
| DISPLAY_NAME_MISMATCH | in both vendors, both display names carry a note after `|`, and the notes differ |
| SITE_MISMATCH | in both vendors, filed under two different clients in ThreatLocker and NinjaOne |

Clean machines never produce an exception: every billable Windows device has
a ThreatLocker agent, notes are identical on both sides (or absent on both),
organizations match by name, by case/spacing, or through `aliases` (which the
hub must have: `install_aliases`). Noise the collectors and the engine must
cope with is there too: NetBIOS-truncated systemNames (ThreatLocker keeps the
full name), domain suffixes, lower-case ThreatLocker hostnames, pipes and
notes, spares without a ThreatLocker agent, MSP-internal Windows devices
without an agent, Macs/Linux/network devices, missing hardware blocks and
custom fields.

Days: the simulators serve "today minus `day_offset` days". Each planted
exception has a `since` (0-9 days); before it, the machine is in its clean
form. A few clean machines were enrolled recently. `expected_for(offset)`
counts each type for that day by applying the reconciliation rules (docs/variances.md) to the rows
served that day (independently of the plan); `expected` is today's.
"""
import hashlib
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from collectors.simulators.windows_facts import windows_workstation_facts
from inventory.classification import WINDOWS_NODE_CLASSES, billing_status_for, device_class_for, is_spare
from inventory.hostnames import canonical_key, split_display_name
from inventory.models.organizations import normalise_org_name

EXCEPTION_TYPES = (
    "MISSING_NINJA", "MISSING_THREATLOCKER", "DUPLICATE_TL", "DUPLICATE_NINJA",
    "SPARE_MISMATCH", "DISPLAY_NAME_MISMATCH", "SITE_MISMATCH",
)
# Share of machines planted with each type (at least one each).
PLANT_RATES = {
    "MISSING_NINJA": 0.008, "MISSING_THREATLOCKER": 0.010, "DUPLICATE_TL": 0.003, "DUPLICATE_NINJA": 0.003,
    "SPARE_MISMATCH": 0.006, "DISPLAY_NAME_MISMATCH": 0.005, "SITE_MISMATCH": 0.004,
}
SPARE_PATTERN = r"\bSPARE\b"
MSP_NAME = "Northwind IT Services"
SPARE_LOCATION = "SPARE Shelf"
DUPLICATE_NINJA_ID_OFFSET = 5_000_000

_ADJECTIVES = ["Bluewater", "Cedar", "Summit", "Harbor", "Prairie", "Granite", "Maple", "Silver", "Redwood", "Lakeside",
               "Pioneer", "Keystone", "Evergreen", "Riverside", "Highland", "Coastal", "Golden", "Ironwood", "Liberty",
               "Oakridge", "Sunrise", "Westfield", "Northstar", "Copper", "Aspen", "Bayview", "Clearwater", "Frontier"]
_NOUNS = ["Dental", "Law", "Logistics", "Medical", "Realty", "Accounting", "Construction", "Veterinary", "Insurance",
          "Engineering", "Credit Union", "Pharmacy", "Manufacturing", "Architects", "Orthodontics", "Foods"]
_SUFFIXES = ["Group", "LLC", "Partners", "Inc", "Associates", "Co", "Clinic", "Services"]
_LOCATIONS = ["Main Office", "Warehouse", "Branch 2", "Front Desk", "Remote Workers", "Plant Floor"]
_NOTES = ["Reception", "CEO laptop", "Conference room", "Shared scanner PC", "Loaner", "Front desk kiosk",
          "Lab bench", "Dispatch", "Payroll", "Shop floor terminal"]
_LONG_PARTS = ["-ACCOUNTING", "-LAPTOP01", "-RECEPTION", "-WORKSTATION", "-SURFACEPRO7", "-DISPATCH02", "-ENGINEERING"]
_DOMAINS = [".corp.local", ".ad.example.com", ".local", ".lan"]
_CPUS = [
    ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", 8, 1_800_000_000),
    ("Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", 8, 3_401_000_000),
    ("Intel(R) Core(TM) i5-1135G7 @ 2.40GHz", 8, 2_419_000_000),
    ("Intel(R) Core(TM) i3-7100U CPU @ 2.40GHz", 4, 2_400_000_000),
    ("AMD Ryzen 5 3600 6-Core Processor", 12, 3_600_000_000),
    ("AMD Ryzen 7 2700U with Radeon Vega Mobile Gfx", 8, 2_200_000_000),
    ("Intel(R) Xeon(R) Silver 4210 CPU @ 2.20GHz", 20, 2_195_000_000),
    ("Intel(R) Celeron(R) CPU N3350 @ 1.10GHz", 2, 1_101_000_000),
    ("Intel(R) Core(TM) i7-12700 @ 2.10GHz", 20, 2_100_000_000),
    ("Snapdragon (TM) 8cx @ 3.0 GHz", 8, 2_995_000_000),
]
_MAKERS = [("Dell Inc.", "OptiPlex 7070"), ("Dell Inc.", "Latitude 5420"), ("HP", "EliteBook 840 G5"),
           ("LENOVO", "20L5S0V400"), ("Microsoft Corporation", "Surface Pro 7"), ("HP", "ProDesk 600 G4")]


@dataclass(slots=True)
class Client:
    index: int
    ninja_name: str
    tl_name: str
    code: str
    tl_org_id: str
    internal: bool = False
    location_ids: list = field(default_factory=list)
    spare_location_id: int | None = None


@dataclass(slots=True)
class Machine:
    seq: int
    name: str  # full hostname (ThreatLocker keeps it; NinjaOne's systemName is its first 15 characters)
    client: int
    node_class: str
    location_id: int
    ninja: bool = True  # clean form: present in NinjaOne
    tl: bool = True  # clean form: present in ThreatLocker
    note: str = ""
    domain: str = ""
    tl_lower: bool = False
    enrolled: int = 10_000  # days ago it appeared in both vendors
    plant: str | None = None
    since: int = 0  # planted this many days ago
    other: int = 0  # SITE_MISMATCH: the other client; DISPLAY_NAME_MISMATCH: index of the ThreatLocker note
    spare_by_note: bool = False
    missing: int = 0  # bit flags: 1 processors, 2 volumes, 4 memory, 8 os, 16 custom fields

    def active(self, offset: int) -> bool:
        return self.plant is not None and self.since >= offset


@dataclass(slots=True)
class NinjaRow:
    id: int
    machine: Machine
    system_name: str
    display_name: str
    org_id: int
    location_id: int
    offline: bool


@dataclass(slots=True)
class TLRow:
    computer_id: str
    machine: Machine
    computer_name: str
    hostname: str
    client: int
    stale: bool = False  # a DUPLICATE_TL's leftover copy: checked in long ago, with an older agent


def _uuid(*parts) -> str:
    return str(uuid.UUID(bytes=hashlib.md5("/".join(map(str, parts)).encode()).digest()))


class MSPDataset:
    def __init__(self, devices: int, seed: int, clients: list[Client], locations: dict[int, tuple[int, str]],
                 machines: list[Machine], aliases: dict[str, list[str]], today):
        self.devices, self.seed = devices, seed
        self.clients, self.locations, self.machines = clients, locations, machines
        self.aliases = aliases  # our organization name -> names ThreatLocker uses that need an alias
        self.today = today
        self._days: dict[int, tuple[list[NinjaRow], list[TLRow]]] = {}
        self._expected: dict[int, dict[str, int]] = {}
        self.parent_org_id = _uuid(seed, "msp-parent")

    # --- one day's rows ------------------------------------------------------
    def day(self, offset: int = 0) -> tuple[list[NinjaRow], list[TLRow]]:
        """(NinjaOne rows sorted by id, ThreatLocker rows sorted by computer name) for today - offset days."""
        if offset not in self._days:
            if len(self._days) > 8:
                self._days.clear()
            self._days[offset] = self._build_day(offset)
        return self._days[offset]

    def _build_day(self, d: int):
        ninja, tl = [], []
        clients = self.clients
        for m in self.machines:
            if m.enrolled < d:
                continue
            active = m.active(d)
            plant = m.plant if active else None
            client = clients[m.client]
            system_name = m.name[:15].upper()
            note = m.note
            location_id = m.location_id
            if plant == "SPARE_MISMATCH":
                if m.spare_by_note:
                    note = "SPARE - was " + _NOTES[m.seq % len(_NOTES)].lower()
                else:
                    location_id = client.spare_location_id
            ninja_display = f"{system_name} | {note}" if note else system_name
            if plant == "DISPLAY_NAME_MISMATCH":
                tl_note = "Old " + _NOTES[m.other % len(_NOTES)].lower()
            else:
                tl_note = note
            if m.ninja:
                ninja.append(NinjaRow(m.seq, m, system_name, ninja_display, client.index + 1, location_id, False))
                if plant == "DUPLICATE_NINJA":
                    ninja.append(NinjaRow(DUPLICATE_NINJA_ID_OFFSET + m.seq, m, system_name, ninja_display,
                                          client.index + 1, location_id, True))
            in_tl = m.tl
            if m.plant == "MISSING_NINJA":
                in_tl = active
            elif m.plant == "MISSING_THREATLOCKER":
                in_tl = not active
            if in_tl:
                tl_client = m.other if plant == "SITE_MISMATCH" else m.client
                host = m.name.lower() if m.tl_lower else m.name
                computer_name = f"{m.name} | {tl_note}" if tl_note else m.name
                tl.append(TLRow(_uuid(self.seed, m.seq, 0), m, computer_name, host + m.domain, tl_client))
                if plant == "DUPLICATE_TL":
                    tl.append(TLRow(_uuid(self.seed, m.seq, 1), m, computer_name, m.name + ".old.local", tl_client,
                                    stale=True))
        ninja.sort(key=lambda row: row.id)
        tl.sort(key=lambda row: (row.computer_name.lower(), row.computer_id))
        return ninja, tl

    # --- what the simulators serve ------------------------------------------
    def when(self, offset: int) -> datetime:
        return datetime.combine(self.today - timedelta(days=offset), time(6, 0), tzinfo=UTC)

    def ninja_organizations(self) -> list[dict]:
        return [{"id": c.index + 1, "name": c.ninja_name, "description": "", "nodeApprovalMode": "AUTOMATIC",
                 "tags": [], "fields": {}} for c in self.clients]

    def ninja_locations(self) -> list[dict]:
        return [{"id": lid, "name": name, "organizationId": client + 1, "description": ""}
                for lid, (client, name) in sorted(self.locations.items())]

    def ninja_device(self, row: NinjaRow, offset: int) -> dict:
        m = row.machine
        rng = random.Random(m.seq * 7919 + self.seed)
        contact = self.when(offset) - timedelta(minutes=rng.randint(1, 600))
        if row.offline:
            contact -= timedelta(days=30 + rng.randint(0, 90))
        client = self.clients[m.client]
        cpu, logical, clock = _CPUS[rng.randrange(len(_CPUS))]
        maker, model = _MAKERS[rng.randrange(len(_MAKERS))]
        windows = m.node_class.startswith("WINDOWS")
        # Workstations get coherent Windows facts from their own random stream (windows_facts.py).
        workstation = windows_workstation_facts(m.seq, self.seed) if m.node_class == "WINDOWS_WORKSTATION" else None
        if workstation:
            cpu, logical, clock = workstation.cpu, workstation.logical_cores, workstation.max_clock_hz
        device = {
            "id": row.id, "uid": _uuid(self.seed, "uid", row.id), "organizationId": row.org_id,
            "locationId": row.location_id, "nodeClass": m.node_class, "approvalStatus": "APPROVED",
            "offline": row.offline or rng.random() < 0.1, "displayName": row.display_name,
            "systemName": row.system_name, "dnsName": f"{m.name.lower()}{m.domain or '.local'}",
            "netbiosName": row.system_name, "created": 1_600_000_000 + m.seq,
            "lastContact": round(contact.timestamp(), 3), "lastUpdate": round(contact.timestamp(), 3) - 60,
            "maintenance": {"status": "NONE"},
            "references": {
                "organization": {"id": row.org_id, "name": client.ninja_name},
                "location": {"id": row.location_id, "name": self.locations.get(row.location_id, (0, ""))[1]},
            },
            "system": {"name": row.system_name, "manufacturer": maker, "model": model,
                       "serialNumber": f"SN{m.seq:08d}", "biosSerialNumber": f"SN{m.seq:08d}",
                       "domain": m.domain.lstrip(".") or "WORKGROUP", "virtualMachine": False,
                       "chassisType": "DESKTOP"},
        }
        if not m.missing & 8:
            if windows:
                # The four draws are kept so that the rest of this device's stream (memory, disks) is unchanged.
                draws = (rng.choice(["Windows 10 Pro", "Windows 11 Pro", "Windows 10 Enterprise"]), rng.random(),
                         rng.choice(["19045", "22631", "26100", "17763"]), rng.choice(["22H2", "23H2", "24H2"]))
                if workstation:
                    name, architecture, build, release = (workstation.os_name, workstation.architecture,
                                                          workstation.build, workstation.release)
                else:  # servers and other Windows node classes: Server 2019 (build 17763, release 1809)
                    name, architecture, build, release = (
                        "Windows Server 2019 Standard", "64-bit" if draws[1] > 0.03 else "32-bit", "17763", "1809")
                device["os"] = {"manufacturer": "Microsoft Corporation", "name": name, "architecture": architecture,
                                "buildNumber": build, "releaseId": release}
            else:
                device["os"] = {"manufacturer": "Apple" if m.node_class == "MAC" else "Linux",
                                "name": "macOS 14" if m.node_class == "MAC" else "Ubuntu 22.04",
                                "architecture": "64-bit", "buildNumber": "", "releaseId": ""}
        if not m.missing & 4:
            gib, less = rng.choice([4, 8, 16, 32]), rng.choice([0, 2])
            ready = workstation is not None and workstation.ready_hardware
            device["memory"] = {"capacity": gib * 1024**3 - (0 if ready else less * 1024**2 * 64)}
        if not m.missing & 1:
            device["processors"] = [{"name": cpu, "architecture": "x64", "maxClockSpeed": clock,
                                     "numCores": max(1, logical // 2), "numLogicalCores": logical}]
        if not m.missing & 2:
            size = rng.choice([128, 256, 512, 1024, 60]) * 1000**3
            if workstation is not None and workstation.ready_hardware:
                size = max(size, 128 * 1000**3)
            device["volumes"] = ([{"name": "C:", "driveLetter": "C:", "capacity": size, "freeSpace": size // 3},
                                  {"name": "D:", "driveLetter": "D:", "capacity": 2 * size, "freeSpace": size}]
                                 if windows else [{"name": "/", "driveLetter": "", "capacity": size,
                                                   "freeSpace": size // 2}])
        return device

    def ninja_custom_fields(self, row: NinjaRow) -> dict | None:
        m = row.machine
        if not m.node_class.startswith("WINDOWS") or m.missing & 16:
            return None
        rng = random.Random(m.seq * 104729 + self.seed)
        tpm = rng.random() > 0.08
        version = rng.choice(["2.0, 1.38, 0", "2.0, 1.16, 0", "1.2, 2, 3"]) if tpm else ""
        capable = rng.random() > 0.1
        fields = {
            "hastpm": "true" if tpm else "false",
            "tpmenabled": ("true" if rng.random() > 0.05 else "false") if tpm else "false",
            "tpmversion": version,
            "securebootavailable": "true" if capable else "false",
            "securebootenabled": ("true" if rng.random() > 0.2 else "false") if capable else
            ("" if rng.random() < 0.5 else "false"),
        }
        if m.node_class == "WINDOWS_WORKSTATION" and windows_workstation_facts(m.seq, self.seed).ready_hardware:
            # Already on 24H2 on supported hardware: the TPM and Secure Boot it needed are there.
            fields.update(hastpm="true", tpmenabled="true", tpmversion="2.0, 1.38, 0", securebootavailable="true",
                          securebootenabled="true")
        return {"deviceId": row.id, "fields": fields}

    def tl_child_organizations(self) -> list[dict]:
        return [{"organizationId": c.tl_org_id, "name": c.tl_name, "displayName": c.tl_name, "computerCount": 0,
                 "dateAdded": "2023-01-01T00:00:00Z"} for c in sorted(self.clients, key=lambda c: c.tl_name.lower())]

    def tl_computer(self, row: TLRow, offset: int, total: int) -> dict:
        m = row.machine
        client = self.clients[row.client]
        checkin = self.when(offset) - timedelta(minutes=(m.seq * 37) % 900)
        if row.stale:
            checkin -= timedelta(days=30 + m.seq % 60)
        windows = m.node_class.startswith("WINDOWS") or m.plant == "MISSING_NINJA"
        return {
            "computerId": row.computer_id, "computerName": row.computer_name, "hostname": row.hostname,
            "organizationId": client.tl_org_id, "organization": client.tl_name,
            "group": "Workstations" if m.node_class != "WINDOWS_SERVER" else "Servers",
            "computerGroupId": _uuid(self.seed, "group", row.client, m.node_class == "WINDOWS_SERVER"),
            "mode": ["Secure", "Learning", "Installation", "MonitorOnly"][m.seq % 4 if m.seq % 9 == 0 else 0],
            "action": "Secure", "operatingSystem": "Windows 10 Pro" if windows else
            ("macOS 14" if m.node_class == "MAC" else "Ubuntu 22.04"),
            "osType": 1 if windows else (2 if m.node_class == "MAC" else 3),
            "lastCheckin": checkin.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "dateAdded": "2024-03-01T10:00:00Z",
            "installDate": "2024-03-01T10:00:00Z", "threatLockerVersion": "9.1.0" if row.stale else "9.3.1",
            "isIsolated": False, "isLockedOut": False, "isDeleted": False, "totalRows": total,
        }

    # --- what a correct reconciliation finds -----------------------------------
    def planted(self, offset: int = 0) -> dict[str, list[str]]:
        """Canonical keys of the machines planted with each type on that day."""
        found = {name: [] for name in EXCEPTION_TYPES}
        for m in self.machines:
            if m.enrolled >= offset and m.active(offset):
                found[m.plant].append(canonical_key(m.name))
        return found

    def expected_for(self, offset: int = 0) -> dict[str, int]:
        if offset not in self._expected:
            self._expected[offset] = self._rule_counts(offset)
        return dict(self._expected[offset])

    @property
    def expected(self) -> dict[str, int]:
        return self.expected_for(0)

    def our_org(self, vendor_name: str) -> str:
        """The organization a vendor name files under, as the hub resolves it (name, then alias)."""
        normalised = normalise_org_name(vendor_name)
        for ours, names in self.aliases.items():
            if normalised in {normalise_org_name(n) for n in names}:
                return normalise_org_name(ours)
        return normalised

    def _rule_counts(self, d: int) -> dict[str, int]:
        """The reconciliation rules (docs/variances.md) applied to the rows served on day `d` (not to the plan)."""
        ninja, tl = self.day(d)
        n_count, t_count = Counter(), Counter()
        n_notes, t_notes, n_orgs, t_orgs = defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set)
        billable_windows, spares = set(), set()
        for row in ninja:
            key = canonical_key(row.system_name)
            n_count[key] += 1
            n_notes[key].add(split_display_name(row.display_name)[1])
            client = self.clients[row.org_id - 1]
            n_orgs[key].add(self.our_org(client.ninja_name))
            location = self.locations.get(row.location_id, (0, ""))[1]
            spare = is_spare(row.display_name, location, pattern=SPARE_PATTERN)
            status = billing_status_for(device_class_for(row.machine.node_class), spare, client.internal)
            if spare:
                spares.add(key)
            if status == "billable" and row.machine.node_class in WINDOWS_NODE_CLASSES:
                billable_windows.add(key)
        for row in tl:
            key = canonical_key(row.hostname)
            t_count[key] += 1
            t_notes[key].add(split_display_name(row.computer_name)[1])
            t_orgs[key].add(self.our_org(self.clients[row.client].tl_name))
        matched = set(n_count) & set(t_count)
        return {
            "MISSING_NINJA": len(set(t_count) - set(n_count)),
            "MISSING_THREATLOCKER": len(billable_windows - set(t_count)),
            "DUPLICATE_TL": sum(1 for c in t_count.values() if c > 1),
            "DUPLICATE_NINJA": sum(1 for c in n_count.values() if c > 1),
            "SPARE_MISMATCH": len(spares & set(t_count)),
            "DISPLAY_NAME_MISMATCH": sum(1 for k in matched if n_notes[k] != t_notes[k]),
            "SITE_MISMATCH": sum(1 for k in matched if n_orgs[k] != t_orgs[k]),
        }


def _client_names(rng: random.Random, count: int) -> list[str]:
    names, seen = [], set()
    while len(names) < count:
        name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} {rng.choice(_SUFFIXES)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _tl_variant(rng: random.Random, name: str, index: int, taken: set[str]) -> tuple[str, bool]:
    """The name ThreatLocker uses for a client, and whether the hub needs an alias for it."""
    roll = rng.random()
    if roll < 0.60:
        return name, False
    if roll < 0.85:
        return (name.upper() if rng.random() < 0.5 else name.replace(" ", "  ", 1)), False
    words = name.split()
    variant = f"{''.join(w[0] for w in words)} - {words[0]}"
    if normalise_org_name(variant) in taken:
        variant = f"{''.join(w[0] for w in words)}{index} - {words[0]}"
    taken.add(normalise_org_name(variant))
    return variant, True


def generate_msp(devices: int = 3000, seed: int = 1, *, clients: int | None = None, today=None) -> MSPDataset:
    """A deterministic MSP of about `devices` machines (see the module docstring)."""
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    devices = max(devices, 40)
    n_clients = clients or max(4, min(60, devices // 60))
    names = _client_names(rng, n_clients)
    client_list, aliases, locations = [], {}, {}
    next_location = 1
    internal = Client(0, MSP_NAME, MSP_NAME, "NWIT", _uuid(seed, "org", 0), internal=True)
    # The MSP is organization 1 in the hub ("MSP (internal)" until renamed): an alias maps its vendor name.
    aliases["MSP (internal)"] = [MSP_NAME]
    client_list.append(internal)
    taken = {normalise_org_name(n) for n in [*names, MSP_NAME, "MSP (internal)"]}
    for index, name in enumerate(names, start=1):
        tl_name, needs_alias = _tl_variant(rng, name, index, taken)
        code = "".join(w[0] for w in name.split()).upper()[:3] + str(index)
        client = Client(index, name, tl_name, code, _uuid(seed, "org", index))
        if needs_alias:
            aliases[name] = [tl_name]
        client_list.append(client)
    for client in client_list:
        for loc in rng.sample(_LOCATIONS, rng.randint(1, 3)):
            locations[next_location] = (client.index, loc)
            client.location_ids.append(next_location)
            next_location += 1
        locations[next_location] = (client.index, SPARE_LOCATION)
        client.spare_location_id = next_location
        next_location += 1

    plan = []
    for kind in EXCEPTION_TYPES:
        plan.extend([kind] * max(1, round(devices * PLANT_RATES[kind])))
    plan.extend([None] * max(0, devices - len(plan)))
    rng.shuffle(plan)

    machines = []
    customer_clients = client_list[1:]
    for seq, plant in enumerate(plan, start=1):
        client = internal if (plant is None and rng.random() < 0.03) else rng.choice(customer_clients)
        base = f"{client.code}-{seq:06d}"
        name = base + rng.choice(_LONG_PARTS) if rng.random() < 0.3 else base
        m = Machine(seq, name, client.index, "WINDOWS_WORKSTATION", rng.choice(client.location_ids))
        m.domain = rng.choice(_DOMAINS) if rng.random() < 0.4 else ""
        m.tl_lower = rng.random() < 0.2
        if plant is None:
            roll = rng.random()
            m.node_class = ("WINDOWS_WORKSTATION" if roll < 0.72 else "WINDOWS_SERVER" if roll < 0.84 else
                            "MAC" if roll < 0.90 else "LINUX_SERVER" if roll < 0.92 else
                            "LINUX_WORKSTATION" if roll < 0.93 else "VMWARE_VM_HOST" if roll < 0.95 else
                            "HYPERV_VMM_HOST" if roll < 0.96 else "NMS_SWITCH" if roll < 0.98 else
                            "CLOUD_MONITOR_TARGET")
            windows = m.node_class in WINDOWS_NODE_CLASSES
            if m.node_class == "MAC":
                m.tl = rng.random() < 0.6
            elif m.node_class.startswith("LINUX"):
                m.tl = rng.random() < 0.3
            elif m.node_class == "HYPERV_VMM_HOST":
                m.tl = rng.random() < 0.5
            elif not windows:
                m.tl = False
            if windows and client.internal and rng.random() < 0.3:
                m.tl = False  # the MSP's own machines are never billable: no exception
            elif windows and not client.internal and m.node_class == "WINDOWS_WORKSTATION" and rng.random() < 0.02:
                m.location_id, m.tl = client.spare_location_id, False  # a spare on the shelf, agent removed
            if rng.random() < 0.08:
                m.note = rng.choice(_NOTES)
            if rng.random() < 0.02:
                m.enrolled = rng.randint(0, 6)
        else:
            m.plant, m.since = plant, rng.randint(0, 9)
            m.node_class = "WINDOWS_SERVER" if (plant == "MISSING_THREATLOCKER" and rng.random() < 0.2) else \
                "WINDOWS_WORKSTATION"
            if plant == "MISSING_NINJA":
                m.ninja = False
            elif plant == "SPARE_MISMATCH":
                m.spare_by_note = rng.random() < 0.5
            elif plant == "DISPLAY_NAME_MISMATCH":
                m.note = rng.choice(_NOTES)
                m.other = (_NOTES.index(m.note) + rng.randint(1, len(_NOTES) - 1)) % len(_NOTES)
            elif plant == "SITE_MISMATCH":
                others = [c.index for c in customer_clients if c.index != client.index]
                m.other = rng.choice(others)
        roll = rng.random()
        if roll < 0.04:
            m.missing |= 1
        if rng.random() < 0.03:
            m.missing |= 2
        if rng.random() < 0.02:
            m.missing |= 4
        if rng.random() < 0.02:
            m.missing |= 8
        if rng.random() < 0.08:
            m.missing |= 16
        machines.append(m)
    return MSPDataset(devices, seed, client_list, locations, machines, aliases, today)


def install_aliases(dataset: MSPDataset) -> int:
    """Create the organizations and aliases the hub needs to match this MSP's vendor names; returns aliases made."""
    from inventory.models import Organization, OrganizationAlias

    made = 0
    for ours, names in dataset.aliases.items():
        org = Organization.objects.filter(id=Organization.MSP_ID).first() if ours == "MSP (internal)" else None
        if org is None:
            org = Organization.objects.filter(name__iexact=ours).first() or Organization.objects.create(name=ours)
        for name in names:
            _, created = OrganizationAlias.objects.get_or_create(alias=name, defaults={"organization": org})
            made += created
    return made
