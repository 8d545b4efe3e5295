"""Microsoft's Windows 11 supported-processor lists, and matching brand strings against them.

A list row (Manufacturer, Series, Model: ``Intel, Core(TM) i5, i5-8250U``)
and a brand string as Windows reports it (``Intel(R) Core(TM) i5-8250U CPU @
1.60GHz``) are both reduced to a *model key* (``core i5 8250u``): the brand
is normalised (`brand.normalise_brand`: case, (R)/(TM)/®/™, clock, "CPU",
graphics tail), hyphens become spaces, and the first family pattern below
that matches names the part. A brand is on the list when one of its keys is a
key of a list row. The patterns only pick the family word and the model
number out of the text, so "Gold", "PRO" or "11th Gen" in one spelling and
not the other do not matter, while a neighbouring model (2600 vs 2600X) does.

The shipped lists are the CSV files in ``inventory/windows11/data/`` (see the
README there for their source and date).
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from inventory.windows11.brand import normalise_brand

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_FILES = ("microsoft_intel.csv", "microsoft_amd.csv", "microsoft_qualcomm.csv")

# (pattern over the normal form with hyphens as spaces, key template). Most specific first.
_FAMILIES = [
    (r"\bcore ultra ([3579]) (\d{3}[a-z]*)\b", "core ultra {0} {1}"),
    (r"\bi([3579]) (n?\d{3,5}[a-z0-9]*)\b", "core i{0} {1}"),
    (r"\bm([357]) (\d{4}y)\b", "core m{0} {1}"),
    (r"\bcore ([3579]) ([nu]?\d{3}[a-z]*)\b", "core {0} {1}"),
    (r"\bxeon (bronze|silver|gold|platinum) ([a-z]?\d{4}[a-z]*\+?)", "xeon {0} {1}"),
    (r"\bxeon ([wed]\d?) (\d{4,5}[a-z]*)\b", "xeon {0} {1}"),
    (r"\bpentium (?:gold |silver )?([a-z]?\d{4}[a-z]*)\b", "pentium {0}"),
    (r"\bceleron ([a-z]?\d{4}[a-z]*)\b", "celeron {0}"),
    (r"\batom (x\d{4}[a-z]*)\b", "atom {0}"),
    (r"\bintel ([nu]?\d{2,3}[a-z]*)\b", "intel {0}"),  # "Intel(R) N100", "Intel(R) Processor U300"
    (r"\bthreadripper (?:pro )?(\d{4}[a-z]*)\b", "threadripper {0}"),
    (r"\bryzen embedded (?:[a-z]\d{4} series )?([a-z]\d{4}[a-z]*)\b", "ryzen embedded {0}"),
    (r"\bryzen (z\d(?: extreme)?)\b", "ryzen {0}"),
    (r"\bryzen ([3579]) (?:pro )?(\d{4}[a-z0-9]*)\b", "ryzen {0} {1}"),
    (r"\bepyc (\d[0-9a-z]{3}[a-z]*)\b", "epyc {0}"),
    (r"\bathlon (?:(?:gold|silver|pro) )*(\d{3,4}[a-z]*)\b", "athlon {0}"),
    (r"\bamd (\d{4}[a-z]+)\b", "amd {0}"),  # "AMD 3015e with Radeon Graphics"
    (r"\bmicrosoft (sq\d)\b", "microsoft {0}"),
    (r"\bx1([ep]?) ?(\d{2}) ?(\d{3})\b", "snapdragon x1{0}{1}{2}"),  # X1E-78-100 / X1E78100
    (r"\b(qc[ms]\d{4})\b", "qualcomm {0}"),
    (r"\bsnapdragon (7c\+?|8cx|8c)(?: gen (\d))?", "snapdragon {0} gen {1}"),
    (r"\bsnapdragon (\d{3})\b", "snapdragon {0}"),
    (r"\bsnapdragon x\b", "snapdragon x"),
]
_COMPILED = [(re.compile(pattern), template) for pattern, template in _FAMILIES]
_SPACES = re.compile(r"\s+")


def comparable(text: str) -> str:
    """The normal form with hyphens as spaces and no repeated word: ``intel core i5 8250u``.

    (A list row's series and model can repeat a word: "Core(TM) i5" + "i5-8250U".)
    """
    words = _SPACES.sub(" ", normalise_brand(text).replace("-", " ")).split()
    return " ".join(word for i, word in enumerate(words) if i == 0 or word != words[i - 1])


@lru_cache(maxsize=8192)
def model_keys(text: str) -> tuple[str, ...]:
    """Every model key found in a brand string or list row, most specific family first."""
    plain = comparable(text)
    keys = []
    for pattern, template in _COMPILED:
        match = pattern.search(plain)
        if match:
            key = template.format(*(group or "" for group in match.groups()))
            keys.append(key.removesuffix(" gen "))
    return tuple(keys)


@dataclass(frozen=True)
class ListEntry:
    manufacturer: str
    series: str
    model: str
    source: str = ""
    list_date: str = ""  # ISO date of Microsoft's list, when known

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.manufacturer, self.series, self.model) if part)

    @property
    def key(self) -> str | None:
        keys = model_keys(self.name)
        return keys[0] if keys else None


class MicrosoftList:
    """Microsoft's supported processors, indexed by model key."""

    def __init__(self, entries=()):
        self.entries = list(entries)
        self.by_key: dict[str, ListEntry] = {}
        self.unmatched: list[ListEntry] = []  # rows no family pattern understands (reported, never matched)
        for entry in self.entries:
            key = entry.key
            if key is None:
                self.unmatched.append(entry)
            else:
                self.by_key.setdefault(key, entry)

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, brand: str) -> ListEntry | None:
        """The list row this brand string is, or None."""
        for key in model_keys(brand or ""):
            entry = self.by_key.get(key)
            if entry is not None:
                return entry
        return None


def read_shipped_entries() -> list[ListEntry]:
    """The rows of the CSV files shipped in ``data/`` (no database)."""
    from inventory.windows11.cpu_list import parse_cpu_list

    entries = []
    for name in SHIPPED_FILES:
        path = DATA_DIR / name
        text = path.read_text(encoding="utf-8")
        parsed = parse_cpu_list(text)
        entries.extend(ListEntry(e.manufacturer, e.series, e.model, source=name, list_date=parsed.list_date or "")
                       for e in parsed.entries)
    return entries


@lru_cache(maxsize=1)
def shipped_list() -> MicrosoftList:
    """The shipped lists, read once per process."""
    return MicrosoftList(read_shipped_entries())
