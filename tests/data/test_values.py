"""Values as the standards define them, where the checkers at hand have no check."""

from __future__ import annotations

from specdouble.data.values import STANDARD_FORMATS


def test_a_duration_is_rfc_3339s() -> None:
    """Whole numbers, each unit after the larger (what contract testers' checks hold answers
    to): .NET's `TimeSpan.MaxValue` with its fraction of a second is none."""
    duration = STANDARD_FORMATS["duration"]
    assert all(duration(v) for v in ("P30D", "PT1H30M", "P1Y2M3DT4H5M6S", "P2W", "PT36H"))
    assert not any(duration(v) for v in ("P10675199DT2H48M5.4775807S", "P", "PT", "P1H", "P1DT"))
