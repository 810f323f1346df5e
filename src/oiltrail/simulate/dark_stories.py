"""Dark-activity stories (docs/dark.md), planted after the rest of the fleet: a tanker under a
fraudulent IMO, a "zombie" hull sailing under another ship's IMO far away, and their decoys.

Ground truth comes from the definitions over the emitted rows (simulate/truth_dark.py), so a
story that does not come off (a zombie that happens to sail close) is simply not in the truth.
The stories draw from their own generator: the vessels planned before them are unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from oiltrail.simulate.fleet import MID_DPRK, SHIP_TYPE_TANKER, Registry, Vessel
from oiltrail.simulate.plan import HOUR, berth, new_vessel, sail

# Yellow Sea and East China Sea ports for the fraudulent-IMO tanker; the zombie keeps to the
# Sea of Japan side, hundreds of km from where the ship whose IMO it borrows trades.
WEST_PORTS = ("Dalian", "Yantai", "Qingdao Gang", "Shanghai")
EAST_PORTS = ("Hamada Ko", "Maizuru Ko")


def bad_check_digit(imo: int) -> int:
    """The same IMO number with its last digit wrong (a fraudulent IMO, as the UN Panel found)."""
    return imo - imo % 10 + (imo % 10 + 3) % 10


def _shuttle(v: Vessel, ports: tuple[str, ...], rng: np.random.Generator, end_s: float) -> None:
    """Port to port among `ports` until the end of the scenario."""
    while v.track.now < end_s:
        port = str(rng.choice([p for p in ports if p != v.destination]))
        sail(v, port, end_at=berth(port, rng))
        v.track.stay(rng.uniform(6, 20) * HOUR, "port", port=port, label=f"port:{port}")


def plant_dark_stories(
    vessels: list[Vessel],
    decoys: list[dict[str, Any]],
    reg: Registry,
    seed: int,
    end_s: float,
) -> None:
    """Append the dark-activity story vessels to `vessels` (and their decoys to `decoys`)."""
    rng = np.random.default_rng([seed, 15])
    # a DPRK tanker reporting an IMO whose check digit fails
    fake = new_vessel(reg, rng, len(vessels), "fraudulent_imo", feed="nmea",
                      ship_type=SHIP_TYPE_TANKER, mid=MID_DPRK)  # fmt: skip
    fake.imo = bad_check_digit(reg.imo())
    fake.identities = [(-1e18, fake.mmsi, fake.name, fake.callsign, fake.imo)]
    port = str(rng.choice(WEST_PORTS))
    fake.track.start(0.0, *berth(port, rng))
    fake.track.stay(rng.uniform(2, 8) * HOUR, "port", port=port, label=f"port:{port}")
    fake.destination = port
    _shuttle(fake, WEST_PORTS, rng, end_s)
    vessels.append(fake)
    # a zombie: a second hull under the IMO of a tanker trading in the west, all the time
    victims = [v for v in vessels if v.role == "background" and v.imo and v.cls == "A"]
    if victims:
        victim = victims[0]
        zombie = new_vessel(reg, rng, len(vessels), "zombie_imo", feed="nmea",
                            ship_type=SHIP_TYPE_TANKER, imo=victim.imo)  # fmt: skip
        port = EAST_PORTS[0]
        zombie.track.start(0.0, *berth(port, rng))
        zombie.track.stay(rng.uniform(2, 8) * HOUR, "port", port=port, label=f"port:{port}")
        zombie.destination = port
        _shuttle(zombie, EAST_PORTS, rng, end_s)
        vessels.append(zombie)
