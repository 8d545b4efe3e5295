"""Normalising CPU brand strings so rules and overrides compare like with like.

NinjaOne reports the processor's brand string as Windows shows it, e.g.
``Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz`` or
``AMD Ryzen 5 2500U with Radeon Vega Mobile Gfx``. The normal form is
lower case, without trademark marks, clock speed, "CPU"/"Processor",
"N-Core" words or the integrated-graphics tail, with single spaces:
``intel core i5-8250u`` and ``amd ryzen 5 2500u``.
"""
import re

# A mark is dropped; when a letter or digit follows it directly it becomes a
# space ("Core(TM)2" → "Core 2", "FX(tm)-8350" → "FX-8350").
_MARKS = re.compile(r"(?:\((?:r|tm|c)\)|[®™©])(?=([a-z0-9])?)", re.IGNORECASE)
_CLOCK = re.compile(r"@.*$")
_GRAPHICS_TAIL = re.compile(r"\s+(?:with|w/)\s+.*$")
_NOISE = re.compile(r"\b(?:cpu|processor|processors|\w+-core|\d+-cores?)\b")
_SPACES = re.compile(r"\s+")


def normalise_brand(brand: str) -> str:
    """The comparable form of a CPU brand string (see the module docstring)."""
    text = _MARKS.sub(lambda m: " " if m.group(1) else "", brand or "").lower()
    text = _CLOCK.sub(" ", text)
    text = _GRAPHICS_TAIL.sub(" ", text)
    text = _NOISE.sub(" ", text)
    return _SPACES.sub(" ", text).strip(" -,")


def contains_token_run(haystack: str, needle: str) -> bool:
    """True when `needle` appears in `haystack` starting and ending at token boundaries.

    ``"ryzen 5 2600"`` is in ``"amd ryzen 5 2600"`` but not in ``"amd ryzen 5 2600x"``.
    Both arguments are expected in normal form.
    """
    if not needle:
        return False
    pattern = r"(?<![a-z0-9])" + re.escape(needle) + r"(?![a-z0-9])"
    return re.search(pattern, haystack) is not None
