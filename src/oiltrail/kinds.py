# ruff: noqa: E501  (the registry keeps one kind to a line)
"""The event-kind registry: every kind of behaviour event, once.

Detectors, both engines, the events export, detection's evaluation and the report read the
kinds from here. Adding a kind is one line in `EventKind` (its name, what it is computed from,
whether it names a second vessel, its report colour and label), next to its detector and its
parameters in `oiltrail.detect.params`. A leaf module: it imports nothing of oiltrail.
"""

from __future__ import annotations

from enum import StrEnum
from typing import cast


class Source(StrEnum):
    """What a detector reads: one vessel's positions, pairs of vessels, static reports, or
    (derived kinds) the events and reports already in the store."""

    POSITIONS = "positions"
    PAIRS = "pairs"
    STATIC = "static"
    DERIVED = "derived"  # from the store after the kernels: other events, static and positions


class EventKind(StrEnum):
    """An event kind; each member carries what the stages need to know about it."""

    source: Source
    two_vessels: bool  # other_mmsi may be set
    colour: str
    label: str  # for a journalist: the report's legend

    def __new__(
        cls, value: str, source: Source, two_vessels: bool, colour: str, label: str
    ) -> EventKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.source = source
        member.two_vessels = two_vessels
        member.colour = colour
        member.label = label
        return member

    @classmethod
    def of(cls, value: str) -> EventKind:
        """The kind named `value` (ValueError for an unknown one)."""
        member = cls._value2member_map_.get(value)
        if member is None:
            raise ValueError(f"unknown event kind {value!r}: expected one of {', '.join(KINDS)}")
        return cast(EventKind, member)

    # fmt: off
    ENCOUNTER = ("encounter", Source.PAIRS, True, "#d62728", "Encounter (ships side by side at sea, possible ship-to-ship transfer)")
    LOITERING = ("loitering", Source.POSITIONS, False, "#ff7f0e", "Loitering (drifting under 2 kn far from port)")
    GAP = ("gap", Source.POSITIONS, False, "#7b4fb0", "AIS gap (transmitter silent 12 h or more)")
    PORT_VISIT = ("port_visit", Source.POSITIONS, False, "#1f77b4", "Port visit")
    SPOOFING = ("spoofing", Source.POSITIONS, False, "#111111", "Spoofed position (impossible jump or shared MMSI)")
    IDENTITY_CHANGE = ("identity_change", Source.STATIC, True, "#0f9fb0", "Identity change (new name, IMO or call sign)")
    DRAUGHT_CHANGE = ("draught_change", Source.STATIC, False, "#2ca02c", "Draught change (loaded or discharged cargo)")
    DARK_RENDEZVOUS = ("dark_rendezvous", Source.DERIVED, True, "#8c564b", "Dark rendezvous (two ships dark together near each other, possible hidden transfer)")
    IDENTITY_ANOMALY = ("identity_anomaly", Source.DERIVED, True, "#e377c2", "Identity anomaly (fraudulent IMO number, or one IMO on two ships at once)")
    # fmt: on


KINDS: tuple[str, ...] = tuple(k.value for k in EventKind)
VESSEL_KINDS: tuple[str, ...] = tuple(k.value for k in EventKind if k.source is Source.POSITIONS)
STATIC_KINDS: tuple[str, ...] = tuple(k.value for k in EventKind if k.source is Source.STATIC)
PAIR_KINDS: tuple[str, ...] = tuple(k.value for k in EventKind if k.source is Source.PAIRS)
DERIVED_KINDS: tuple[str, ...] = tuple(k.value for k in EventKind if k.source is Source.DERIVED)
