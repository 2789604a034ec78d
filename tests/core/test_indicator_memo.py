"""One indicators computation reads shared records once (core.indicators.scope / memoized), and
nothing outlives it: the next computation reads the records again and sees a change made in
between."""

from __future__ import annotations

from datetime import date

from core.indicators import district_indicators, memoized, scope
from tests.conftest import OWN, run


def test_a_load_runs_once_per_scope_and_again_in_the_next():
    calls = []

    async def load():
        calls.append(1)
        return len(calls)

    async def go():
        outside = [await memoized(("test", "x"), load), await memoized(("test", "x"), load)]
        with scope():
            inside = [await memoized(("test", "x"), load), await memoized(("test", "x"), load)]
            with scope():  # nested: the outer memo
                inside.append(await memoized(("test", "x"), load))
            other = await memoized(("test", "y"), load)
        with scope():
            again = await memoized(("test", "x"), load)
        return outside, inside, other, again

    outside, inside, other, again = run(go())
    assert outside == [1, 2]          # no scope: every call loads
    assert inside == [3, 3, 3]        # one load per key within a scope, nested scopes included
    assert other == 4 and again == 5  # another key loads; a new scope loads afresh


def test_the_roster_is_read_afresh_by_the_next_computation(ctx):
    from core.tables import Person
    from plugins.talent.indicators import in_post

    today = date.today()

    def older() -> float:
        rows = run(district_indicators(ctx, OWN, today))
        return next(r for r in rows if r["name"] == "talent.share_40_plus")["numerator"]

    young = next((w for w in run(in_post(OWN, today)) if w["birth_date"] and w["birth_date"].year > today.year - 35),
                 None)
    assert young, "the demo has a worker in post under 35"
    before = older()
    run(Person.update({Person.birth_date: date(today.year - 50, 1, 1)}).where(Person.id == young["person_id"]))
    try:
        assert older() == before + 1
    finally:
        run(Person.update({Person.birth_date: young["birth_date"]}).where(Person.id == young["person_id"]))
    assert older() == before
