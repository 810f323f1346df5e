"""Small gazetteers for entity spotting: countries, ports (from the bundled ports table), vessels.

Vessel names are the DPRK-related tankers and freighters designated by the UN 1718 Committee or
OFAC, or named in the US advisory of 2019-03-21 (shared/data/real/dprk_designated_vessels.csv,
compiled from public UN, US Treasury and press pages); names only, for spotting in text.
"""

from __future__ import annotations

import re
from functools import cache

from oiltrail.reference.ports import read_ports

COUNTRIES = {
    "North Korea": ("North Korea", "North Korean", "DPRK", "D.P.R.K.", "Pyongyang"),
    "South Korea": ("South Korea", "South Korean", "Seoul"),
    "Russia": ("Russia", "Russian", "Moscow", "Kremlin", "Russian Federation"),
    "China": ("China", "Chinese", "Beijing"),
    "Japan": ("Japan", "Japanese", "Tokyo"),
    "United States": ("United States", "U.S.", "US", "Washington", "American"),
    "Singapore": ("Singapore", "Singaporean"),
    "Taiwan": ("Taiwan", "Taiwanese"),
    "Hong Kong": ("Hong Kong",),
    "Panama": ("Panama", "Panamanian"),
    "Sierra Leone": ("Sierra Leone",),
    "Togo": ("Togo",),
    "Palau": ("Palau",),
    "Comoros": ("Comoros",),
    "Mongolia": ("Mongolia", "Mongolian"),
    "Vietnam": ("Vietnam", "Vietnamese"),
    "Malaysia": ("Malaysia", "Malaysian"),
    "Indonesia": ("Indonesia", "Indonesian"),
    "Belize": ("Belize",),
    "Cambodia": ("Cambodia",),
    "Ukraine": ("Ukraine", "Ukrainian", "Kyiv"),
    "United Kingdom": ("United Kingdom", "Britain", "British", "U.K."),
    "France": ("France", "French"),
    "Germany": ("Germany", "German"),
    "Iran": ("Iran", "Iranian"),
    "Marshall Islands": ("Marshall Islands",),
}
PLACES_EXTRA = ("Europe", "Asia", "East China Sea", "Yellow Sea", "Sea of Japan", "Korea", "Paris")

VESSELS = [
    "7-28",
    "AN SAN 1",
    "ASIA BRIDGE 1",
    "BILLIONS NO. 18",
    "CHON MA SAN",
    "CHON MYONG 1",
    "CHONG RIM 2",
    "CHONG RIM 3",
    "DONG FENG 6",
    "EVER GLORY",
    "FAN KE",
    "GOO RYONG",
    "HAO FAN 2",
    "HAO FAN 6",
    "HUA FU",
    "HWA SONG",
    "JANG GYONG",
    "JI SONG 6",
    "JIE SHUN",
    "JIN HYE",
    "JW JEWEL",
    "KANG DONG",
    "KANG SONG 1",
    "KOTI",
    "KU BONG RYONG",
    "KUM PIT 1",
    "KUM SONG 3",
    "KUM SONG 5",
    "KUM SONG 7",
    "KUM UN SAN",
    "KUM UN SAN 3",
    "MA DU SAN",
    "MIN NING DE YOU 078",
    "MU BONG 1",
    "MYONG RYU 1",
    "NAM SAN 8",
    "NEW REGENT",
    "NYMEX STAR",
    "ORIENTAL TREASURE",
    "PAEK MA",
    "PETREL 8",
    "PO CHON",
    "PU HUNG 1",
    "PU RYONG",
    "RAK RANG",
    "RUNG RA 1",
    "RUNG RA 2",
    "RUNG RA DO",
    "RYE SONG GANG 1",
    "SAEBYOL",
    "SAM JONG 1",
    "SAM JONG 2",
    "SAM MA 2",
    "SHANG YUAN BAO",
    "SO BAEK SAN",
    "SONG WON",
    "TONG HUNG 5",
    "TONG SAN 2",
    "UL JI BONG 6",
    "UN PHA 2",
    "UN RYUL",
    "WAN HENG 11",
    "WON SAN 2",
    "XIN GUANG HAI",
    "YANG GAK DO",
    "YU JONG 2",
    "YU PHYONG 5",
    "YU SON",
    "YU SONG 12",
    "YU SONG 7",
    "YUK TUNG",
    "ZA RYOK 2",
    "COURAGEOUS",
]
# Port kinds worth spotting in an article about DPRK oil (the rest of the WPI is noise here).
PORT_KINDS = ("dprk_port", "ru_far_east", "sg_")
PORT_ALIASES = {"Nampho": "Nampo (Chinnampo)", "Vostochnyy": "Vostochny (Vostochnyy)"}


def _flex(name: str) -> str:
    """A name as a pattern where spaces and hyphens between parts are interchangeable."""
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", name) if p]
    return r"[\s\-]?".join(parts) if len(parts) > 1 and parts[-1].isdigit() else r"\s+".join(parts)


@cache
def country_aliases() -> dict[str, str]:
    """Alias (as written) -> country name."""
    return {alias: country for country, aliases in COUNTRIES.items() for alias in aliases}


@cache
def port_aliases() -> dict[str, str]:
    """Alias -> port name from the bundled ports table (only DPRK, Russian Far East, Singapore)."""
    out = dict(PORT_ALIASES)
    for row in read_ports().to_pylist():
        if not str(row.get("kind") or "").startswith(PORT_KINDS):
            continue
        name = row["name"]
        head, _, rest = name.partition("(")
        for alias in [head, *rest.rstrip(")").split("/")]:
            alias = alias.strip().title() if alias.strip().isupper() else alias.strip()
            if len(alias) > 3 and alias not in {"Singapore"}:
                out[alias] = name
    return out


@cache
def place_names() -> frozenset[str]:
    return frozenset(country_aliases()) | frozenset(port_aliases()) | frozenset(PLACES_EXTRA)


def is_place(run: str) -> bool:
    """True for a country, capital, port or region name (possibly possessive)."""
    bare = re.sub(r"['’]s$", "", run.strip())
    return bare in place_names()


@cache
def alias_pattern(kind: str) -> re.Pattern[str]:
    """One compiled alternation per gazetteer, longest names first (so "North Korea" wins)."""
    names = {
        "country": list(country_aliases()),
        "port": list(port_aliases()),
        "vessel": list(VESSELS),
    }[kind]
    names.sort(key=len, reverse=True)
    flags = re.I if kind == "vessel" else 0
    body = "|".join(_flex(n) for n in names)
    return re.compile(r"(?<![\w.])(?:" + body + r")(?![\w])", flags)
