"""Threshold status: green / yellow / red for a value against its bounds.

`lower` is better (tickets per endpoint): green when value <= green bound,
yellow when <= yellow bound, else red. `higher` is better (net profit %):
green when value >= green bound, yellow when >= yellow bound, else red.
A value on a bound takes the better colour. No value, no status (None).
"""
from decimal import Decimal

from esinv.choices import ChoiceSet


class ThresholdStatus(ChoiceSet):
    """A value against its threshold (the API's `status`)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    CHOICES = [(GREEN, "Green", "green"), (YELLOW, "Yellow", "yellow"), (RED, "Red", "red")]


class Direction(ChoiceSet):
    """Which way a threshold's metric is better (the model's and the API's `direction`)."""

    LOWER = "lower"
    HIGHER = "higher"
    CHOICES = [(LOWER, "Lower is better"), (HIGHER, "Higher is better")]


GREEN, YELLOW, RED = ThresholdStatus.GREEN, ThresholdStatus.YELLOW, ThresholdStatus.RED
LOWER_IS_BETTER, HIGHER_IS_BETTER = Direction.LOWER, Direction.HIGHER
DIRECTIONS = tuple(Direction.values())


def threshold_status(value, *, green, yellow, direction: str) -> str | None:
    if value is None:
        return None
    value, green, yellow = Decimal(str(value)), Decimal(str(green)), Decimal(str(yellow))
    if direction == LOWER_IS_BETTER:
        return GREEN if value <= green else YELLOW if value <= yellow else RED
    if direction == HIGHER_IS_BETTER:
        return GREEN if value >= green else YELLOW if value >= yellow else RED
    raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")


def bounds_error(*, green, yellow, direction: str) -> str | None:
    """Why these bounds make no sense for the direction, or None when they do."""
    if direction not in DIRECTIONS:
        return f"direction must be one of {', '.join(DIRECTIONS)}."
    if direction == LOWER_IS_BETTER and Decimal(str(green)) > Decimal(str(yellow)):
        return "When lower is better the green bound must not exceed the yellow bound."
    if direction == HIGHER_IS_BETTER and Decimal(str(green)) < Decimal(str(yellow)):
        return "When higher is better the green bound must not be below the yellow bound."
    return None


def bounds_labels(*, green, yellow, direction: str) -> dict:
    """The contract's names for the bounds: green_max/yellow_max or green_min/yellow_min."""
    suffix = "max" if direction == LOWER_IS_BETTER else "min"
    return {f"green_{suffix}": float(green), f"yellow_{suffix}": float(yellow)}
