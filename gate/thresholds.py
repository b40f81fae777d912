"""Thresholds: parsed as exact decimals, shown so that display never contradicts the verdict."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from gate import numeric
from gate.errors import UsageError

SPELLINGS = "write a fraction in [0, 1] such as 0.8, or a percentage with a sign such as 80%"


def parse_threshold(raw: object, where: str) -> Fraction:
    """Parse `0.8`, `1`, `80%` or `92.5%` into an exact fraction in [0, 1].

    `where` names the input (a flag or a settings key) for the error message.
    A bare number above 1 is refused: `80` is almost surely meant as 80%, but
    guessing would make `1.5` mean 1.5% as well.
    """
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise UsageError(f"{where}: expected a number, got {type(raw).__name__}", SPELLINGS)
    text = str(raw).strip()  # str(0.8) == "0.8": TOML floats keep their written digits
    percent = text.endswith("%")
    try:
        number = Decimal(numeric.bounded(text[:-1].strip() if percent else text))
    except numeric.TooLong as exc:
        raise UsageError(f"{where}: {exc}", SPELLINGS) from None
    except InvalidOperation:
        raise UsageError(f"{where}: {text!r} is not a number", SPELLINGS) from None
    if not number.is_finite():
        raise UsageError(f"{where}: {text!r} is not a finite number", SPELLINGS)
    if not numeric.decimal_exponent_ok(number.as_tuple().exponent):
        raise UsageError(f"{where}: {text!r} has an exponent out of range", SPELLINGS)
    value = Fraction(number) / (100 if percent else 1)
    if not percent and value > 1:
        # 80 is surely 80%; 150 cannot be meant as either spelling.
        hint = (f"write {text}% for a percentage, or {number / 100} for a fraction"
                if value <= 100 else SPELLINGS)
        raise UsageError(f"{where}: {text} is above 1", hint)
    if not 0 <= value <= 1:
        raise UsageError(f"{where}: {text} is outside 0%..100%", SPELLINGS)
    return value


def percent_places(threshold: Fraction | None) -> int:
    """Decimal places needed to show `threshold` as a percentage exactly (at least 2).

    Every decimal threshold has an exact percentage form, however many places
    it needs; a fraction that has none (1/3, only through the API) gets 12.
    """
    if threshold is None:
        return 2
    denominator = (threshold * 100).denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    return max(2, twos, fives) if denominator == 1 else 12


def floor_percent(value: Fraction, places: int = 2) -> str:
    """`value` as a percentage rounded *down* to `places` decimals: `79.99%`.

    Rounding down at the threshold's own precision keeps the display honest: a
    passing value is never shown below its threshold, and a failing one never
    reaches it (7999/10000 is "79.99%", not "80.00%").
    """
    scale = 10**places
    units = math.floor(value * 100 * scale)
    whole, frac = divmod(units, scale)
    return f"{whole}.{frac:0{places}d}%" if places else f"{whole}%"


def show(value: Fraction, threshold: Fraction | None) -> str:
    """Format a measured value at the precision its threshold needs."""
    return floor_percent(value, percent_places(threshold))


def show_threshold(threshold: Fraction) -> str:
    """Format a threshold exactly: `80.00%`, `92.50%`, `80.125%`."""
    return floor_percent(threshold, percent_places(threshold))
