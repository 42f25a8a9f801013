"""write_tx under concurrent writers, and its contract: require_tx, after_commit, nesting.

20 coroutines each read a counter, lock it with for_update() and write +1 inside their
own write_tx(); the total must be exactly 20 with no "database is locked" on either
engine. Control cases show the protection is what makes it work: on SQLite a DEFERRED
transaction fails with "database is locked", on PostgreSQL an unlocked read loses updates.
"""

from __future__ import annotations

import asyncio

import pytest

from domain.core.tx import after_commit, engine, for_update, is_sqlite, require_tx, write_tx
from tables.org import Currency

WRITERS = 20
COUNTER = "EUR"  # Currency.decimals of this row serves as the counter


async def _counter() -> int:
    row = await Currency.select(Currency.decimals).where(Currency.code == COUNTER).first()
    assert row is not None
    return row["decimals"]


async def _set_counter(value: int) -> None:
    await Currency.update({Currency.decimals: value}).where(Currency.code == COUNTER)


async def _read_then_write(*, lock: bool) -> None:
    """Read the counter, give the other writers time to read too, write it back + 1."""
    query = Currency.select(Currency.decimals).where(Currency.code == COUNTER)
    row = await (for_update(query) if lock else query).first()
    await asyncio.sleep(0.02)
    await _set_counter(row["decimals"] + 1)


async def _increment() -> None:
    async with write_tx():
        await _read_then_write(lock=True)


async def test_concurrent_increments_are_serialised():
    await _set_counter(0)
    await asyncio.gather(*(_increment() for _ in range(WRITERS)))
    assert await _counter() == WRITERS


async def _increment_unprotected() -> None:
    # A plain transaction: DEFERRED on SQLite, no row lock on PostgreSQL.
    async with engine().transaction():
        await _read_then_write(lock=False)


async def test_control_without_protection_loses_or_fails():
    await _set_counter(0)
    results = await asyncio.gather(
        *(_increment_unprotected() for _ in range(WRITERS)), return_exceptions=True
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    if is_sqlite():
        # Readers that try to become writers after another one wrote are refused at once.
        assert errors, "a DEFERRED read-then-write should hit 'database is locked'"
        assert all("database is locked" in str(e) for e in errors), errors
    else:
        assert errors == []
        # READ COMMITTED without FOR UPDATE: writers overwrite each other's +1.
        assert await _counter() < WRITERS
    assert await _counter() <= WRITERS - len(errors)


async def test_require_tx_and_helpers_refuse_outside_a_transaction():
    with pytest.raises(RuntimeError, match="must run inside write_tx"):
        require_tx()
    with pytest.raises(RuntimeError, match="must run inside write_tx"):
        for_update(Currency.select())

    async def noop() -> None:
        return None

    with pytest.raises(RuntimeError, match="needs an enclosing write_tx"):
        after_commit(noop)
    async with write_tx():
        require_tx()  # does not raise
        assert engine().transaction_exists()
    assert not engine().transaction_exists()


async def test_after_commit_runs_after_commit_only():
    seen: list[tuple[str, int, bool]] = []

    async def record() -> None:
        # Runs outside the transaction and sees the committed value.
        seen.append(("ran", await _counter(), engine().transaction_exists()))

    await _set_counter(0)
    async with write_tx():
        await _set_counter(7)
        after_commit(record)
        assert seen == []  # not yet: still inside the transaction
    assert seen == [("ran", 7, False)]


async def test_after_commit_skipped_on_rollback():
    seen: list[str] = []

    async def record() -> None:
        seen.append("ran")

    async def failing() -> None:
        async with write_tx():
            await _set_counter(5)
            after_commit(record)
            raise ValueError("boom")

    await _set_counter(0)
    with pytest.raises(ValueError, match="boom"):
        await failing()
    assert seen == []
    assert await _counter() == 0


async def test_nested_write_tx_joins_the_outer_one():
    seen: list[str] = []

    async def record() -> None:
        seen.append("ran")

    async def failing_outer() -> None:
        async with write_tx():
            async with write_tx():
                await _set_counter(3)
                after_commit(record)
            # The inner block has ended but nothing is committed or run yet.
            assert seen == []
            raise ValueError("outer failed")

    await _set_counter(0)
    with pytest.raises(ValueError, match="outer failed"):
        await failing_outer()
    assert await _counter() == 0  # the inner write went with the outer rollback
    assert seen == []

    async with write_tx():
        async with write_tx():
            await _set_counter(4)
            after_commit(record)
        assert seen == []
    assert await _counter() == 4
    assert seen == ["ran"]  # once, after the outermost commit


async def test_a_failing_follow_up_does_not_undo_or_fail_the_committed_work():
    from domain.core.tx import after_commit, write_tx
    from tables.org import Currency

    async def broken() -> None:
        raise RuntimeError("queue down")

    ran: list[str] = []

    async def fine() -> None:
        ran.append("fine")

    async with write_tx():
        await Currency(code="XTS", name="test").save()
        after_commit(broken)
        after_commit(fine)
    assert await Currency.exists().where(Currency.code == "XTS")
    assert ran == ["fine"]  # the next callbacks still run
