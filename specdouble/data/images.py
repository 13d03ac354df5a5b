"""Images that load anywhere: small SVGs as `data:` URIs, made from a name.

An avatar shows the name's initials on a colour taken from the name (as authentik's "initials"
avatars do); an icon shows its first letter on a rounded square. Neither needs a network.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

FONT = "'RedHatText','Overpass',overpass,helvetica,arial,sans-serif"


def colours(text: str) -> tuple[str, str]:
    """A background colour from `text`, neither too dark nor too light, and a text colour
    that contrasts with it."""
    value = int(hashlib.md5(text.lower().encode(), usedforsecurity=False).hexdigest(), 16)
    value %= 0xFFFFFF
    red, green, blue = (min(max((value >> shift) & 0xFF, 55), 200) for shift in (16, 8, 0))
    text_colour = "000" if red * 0.299 + green * 0.587 + blue * 0.114 > 186 else "fff"
    return f"{red:02x}{green:02x}{blue:02x}", text_colour


def initials(name: str, length: int = 2) -> str:
    """The first name's initial and the last name's (a single word: its first letters).

    >>> initials("authentik Default Admin"), initials("akadmin")
    ('aA', 'ak')
    """
    parts = name.split()
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:length]
    return (parts[0][0] + parts[-1])[:length]


def svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def avatar(name: str, size: int = 64) -> str:
    """A round avatar with the name's initials, upper-cased."""
    background, foreground = colours(name)
    half = size // 2
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}px" height="{size}px" '
        f'viewBox="0 0 {size} {size}" version="1.1">'
        f'<circle fill="#{background}" cx="{half}" cy="{half}" r="{half}"/>'
        f'<text x="50%" y="50%" fill="#{foreground}" font-family="{FONT}" '
        f'font-size="{size * 7 // 16}" dominant-baseline="middle" text-anchor="middle" '
        f'dy=".1em">{escape(initials(name or "?").upper())}</text></svg>'
    )
    return svg_uri(svg)


def icon(name: str, size: int = 64) -> str:
    """A square icon with rounded corners and the name's first letter."""
    background, foreground = colours(name)
    letter = escape((name.strip() or "?")[0].upper())
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}px" height="{size}px" '
        f'viewBox="0 0 {size} {size}" version="1.1">'
        f'<rect fill="#{background}" width="{size}" height="{size}" rx="{size // 6}"/>'
        f'<text x="50%" y="50%" fill="#{foreground}" font-family="{FONT}" '
        f'font-size="{size // 2}" dominant-baseline="middle" text-anchor="middle" '
        f'dy=".1em">{letter}</text></svg>'
    )
    return svg_uri(svg)
