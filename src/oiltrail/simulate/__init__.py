"""Scenario generator for the seas around Korea, with exact ground truth (marked simulated).

Truth definitions (docs/events.md; over the emitted rows, per MMSI; times are report times):
- port_visit: a berth stay; start/end = first/last position of the contiguous run of positions
  within 5 km of the port's reference point that contains the stay (>= 1 position < 0.5 kn).
- loitering: a run of slow-at-sea plan phases (drift, STS wait + transfer) of one vessel;
  start/end = its first/last report; kept when >= 4 h and every position >= 37.04 km from ports.
- encounter: an STS transfer; start = the later of the two ships' first reports alongside,
  end = the earlier of their last reports alongside (100-250 m apart, drifting < 1 kn);
  mmsi < other_mmsi.
- gap: consecutive positions of one MMSI >= 12 h apart, neither inside one of its port visits;
  start/end = the two positions' times.
- spoofing teleport: start/end = the real fix before and after 1-3 consecutive fake fixes
  250-450 km away (one excursion = one event). shared_mmsi: an impostor reports on the MMSI
  for 3-6 h > 150 km from the real ship; start/end = the impostor's first/last fix. The jumps
  inside a shared_mmsi episode are not also listed as teleports.
- identity_change / draught_change: between consecutive static reports (type 5) of one MMSI
  (or, for same IMO under a new MMSI, the old MMSI's last and the new MMSI's first report);
  start = end = the time of the report that shows the change (details.previous_report holds
  the earlier report's time); details.delta_m signed (rounded to 0.1 m, as reported).
- event lat/lon = mean of the event's positions with start <= ts <= end (both ships for
  encounters); event_id = sha256("kind|mmsi|other_mmsi|start_iso")[:16], other empty if none.
"""

from oiltrail.simulate.scenario import (
    DEMO_SCENARIO,
    ScenarioSettings,
    ScenarioSummary,
    simulate,
)

__all__ = ["DEMO_SCENARIO", "ScenarioSettings", "ScenarioSummary", "simulate"]
