"""The validator's sample grid labels each sample with its local weekday, minute and date in one
vectorised step; here they are compared with a conversion of each sample on its own, across
both daylight-saving changes, for grids of every step the scenarios use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.validator.timeline import Grid

TZ = ZoneInfo("Europe/Stockholm")


@settings(max_examples=200, deadline=None)
@given(offset=st.integers(0, 4 * 24 * 400), minutes=st.integers(0, 60 * 24 * 30),
       step=st.sampled_from([5, 15, 30, 60]))
def test_the_vectorised_labels_are_each_samples_local_time(offset: int, minutes: int,
                                                           step: int) -> None:
    # From 1 January 2027: the spring change (28 March) and the autumn one (31 October) inside.
    start = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(minutes=15 * offset)
    grid = Grid.build(start, start + timedelta(minutes=minutes), step, TZ)
    local = [(grid.start + timedelta(minutes=step * k)).astimezone(TZ) for k in range(grid.n)]
    assert grid.n == -(-minutes // step)
    assert grid.weekday.tolist() == [t.weekday() for t in local]
    assert grid.minute.tolist() == [t.hour * 60 + t.minute for t in local]
    assert grid.ordinal.tolist() == [t.toordinal() for t in local]
