"""One way to declare a set of choices: value, label and colour together, in the manner of NetBox's ChoiceSet.

    class DeliveryStatus(ChoiceSet):
        PENDING = "pending"
        DELIVERED = "delivered"
        CHOICES = [
            (PENDING, "Pending", "blue"),
            (DELIVERED, "Delivered", "green"),
        ]

`CHOICES` declares (value, label) or (value, label, colour) rows. The class
itself is what a model field, a DRF `ChoiceField` or drf-spectacular's
`ENUM_NAME_OVERRIDES` takes: iterating it (or calling it) gives the
(value, label) pairs, so `choices=DeliveryStatus` works everywhere. A set is
never instantiated.

Colours are the badge names the pages and the admin style
(`static/esinv/badges.css`, `.badge.<name>`; `esinv.admin_badges` for the
admin), or a hex `#rrggbb` for chart series; `hex()` turns either into the hex
the PDF and Excel renderers draw with (`HEX`: the stylesheet's text colour of
each name, kept equal to it by a test).

A kind that takes only part of a wider set subclasses it with
`CHOICES = Wider.only(...)`: it keeps the wider set's names, labels and colours.
"""

# Badge colour names (badges.css: .badge.green ...) and the hex of each, for renderers without CSS.
HEX = {
    "green": "#1e7d34",
    "yellow": "#7a5b00",
    "red": "#a4262c",
    "blue": "#0b5cad",
    "grey": "#4a5560",
}
DEFAULT_COLOUR = "grey"


class ChoiceSetMeta(type):
    def __new__(mcs, name, bases, attrs):
        cls = super().__new__(mcs, name, bases, attrs)
        rows = [tuple(row) for row in attrs.get("CHOICES", ())]
        for row in rows:
            if len(row) not in (2, 3):
                raise TypeError(f"{name}.CHOICES: rows are (value, label) or (value, label, colour), not {row!r}")
            if len(row) == 3 and not (row[2] in HEX or str(row[2]).startswith("#")):
                raise TypeError(f"{name}.CHOICES: unknown colour {row[2]!r} (one of {', '.join(HEX)} or #rrggbb)")
        values = [row[0] for row in rows]
        if len(set(values)) != len(values):
            raise TypeError(f"{name}.CHOICES: a value is declared twice")
        cls._rows = rows
        cls._choices = [(row[0], row[1]) for row in rows]
        cls._labels = dict(cls._choices)
        cls._colours = {row[0]: row[2] for row in rows if len(row) == 3}
        return cls

    def __iter__(cls):
        return iter(cls._choices)

    def __len__(cls):
        return len(cls._choices)

    def __contains__(cls, value):
        return value in cls._labels

    def __call__(cls):
        # Callable like a choices function (drf-spectacular's ENUM_NAME_OVERRIDES, django-filter).
        return list(cls._choices)


class ChoiceSet(metaclass=ChoiceSetMeta):
    CHOICES: list = []

    @classmethod
    def values(cls) -> list:
        return [value for value, _ in cls._choices]

    @classmethod
    def label(cls, value, default=None):
        return cls._labels.get(value, value if default is None else default)

    @classmethod
    def colour(cls, value, default: str = DEFAULT_COLOUR) -> str:
        """The declared colour of `value` (a badge name or a hex); `default` for unknown values."""
        return cls._colours.get(value, default)

    @classmethod
    def hex(cls, value, default: str = DEFAULT_COLOUR) -> str:
        """The colour of `value` as `#rrggbb`, for the PDF and Excel renderers."""
        colour = cls.colour(value, default)
        return HEX.get(colour, colour)

    @classmethod
    def colours(cls) -> dict:
        return dict(cls._colours)

    @classmethod
    def only(cls, *values) -> list[tuple]:
        """The declared rows of `values` (in the set's order), for a narrower set: `CHOICES = Wider.only(...)`."""
        unknown = set(values) - set(cls._labels)
        if unknown:
            raise ValueError(f"{cls.__name__} has no {', '.join(sorted(map(str, unknown)))}")
        return [row for row in cls._rows if row[0] in values]


class RunStatus(ChoiceSet):
    """The one vocabulary of background work: collector batches and jobs, export jobs, Windows 11 runs.

    Each kind takes the part it needs (README.md, "Status vocabulary"): only export jobs expire, only
    collector work is cancelled, a Windows 11 run starts running (it is never queued).
    """

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # an export job whose file the cleanup removed
    CHOICES = [
        (QUEUED, "Queued", "blue"),
        (RUNNING, "Running", "blue"),
        (COMPLETED, "Completed", "green"),
        (FAILED, "Failed", "red"),
        (CANCELLED, "Cancelled", "grey"),
        (EXPIRED, "Expired", "grey"),
    ]
    ACTIVE = (QUEUED, RUNNING)
