"""Engine tests share the hand-built tracks of tests/detect (detect_synth)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "detect"))
