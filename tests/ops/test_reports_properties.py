"""Properties of the trial balance on a real database: whatever balanced entries are posted
(any accounts, analytics, stornos with negative amounts, any days), the balance of any
period balances in all its equalities, each account's figures are those of its lines added
up by hand, and the storno of everything brings every account back to nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.catalog.reference import reference_data_load
from domain.core.tx import write_tx
from domain.ledger.chart import account_create
from domain.ledger.ops import entry_post, entry_reverse
from domain.ledger.reports import Pair
from domain.ledger.reports_balance import is_balanced, trial_balance
from domain.ledger.rules import PostLine
from domain.org.permissions import SYSTEM
from tables.choices import EntryKind
from tests.conftest import wipe_database
from tests.factories import make_client, make_company

ACCOUNTS = ["4111", "4111.01", "401", "707", "4427", "371", "607", "5121", "1012", "5311"]
THIRD_PARTY = {"4111", "4111.01", "401"}
FIRST = date(2025, 11, 1)
DAYS = 180  # Nov 2025 .. Apr 2026: the period may cross the year

amounts = st.integers(min_value=-20_000, max_value=2_000_000).filter(bool)  # bani, not zero
line = st.tuples(st.sampled_from(ACCOUNTS), st.booleans(), amounts)
entry = st.tuples(st.integers(0, DAYS - 1), st.lists(line, min_size=1, max_size=5),
                  st.sampled_from(ACCOUNTS))  # fmt: skip
period = st.tuples(st.integers(0, DAYS - 1), st.integers(0, DAYS - 1)).map(sorted)


def _post_lines(lines, closing_account: str, partner: int) -> list[PostLine]:
    out, net = [], 0
    for account, is_debit, bani in lines:
        kw = {"partner": partner} if account in THIRD_PARTY else {}
        amount = Decimal(bani) / 100
        out.append(PostLine(account, debit=amount, **kw) if is_debit
                   else PostLine(account, credit=amount, **kw))  # fmt: skip
        net += bani if is_debit else -bani
    if net:  # the line that balances the entry, on the credit side (negative: a storno)
        kw = {"partner": partner} if closing_account in THIRD_PARTY else {}
        out.append(PostLine(closing_account, credit=Decimal(net) / 100, **kw))
    return out


def _expected(posted, start: date, end: date) -> dict[str, tuple[int, int, int]]:
    """{account: (net before 1 January, debit and credit from 1 January to the end)}."""
    year_start = start.replace(month=1, day=1)
    out: dict[str, list[int]] = {}
    for day, lines in posted:
        if day > end:
            continue
        for x in lines:
            sums = out.setdefault(str(x.account), [0, 0, 0])
            d, c = int(x.debit * 100), int(x.credit * 100)
            if day < year_start:
                sums[0] += d - c
            else:
                sums[1] += d
                sums[2] += c
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=st.lists(entry, min_size=1, max_size=12), when=period)
async def test_any_balanced_entries_give_a_balanced_trial_balance(fresh_db, entries, when):
    await wipe_database()
    await reference_data_load()
    company = await make_company()
    partner = await make_client()
    await account_create(values={"code": "4111.01", "name": "Alfa", "company": company},
                         by=SYSTEM)  # fmt: skip
    posted, ids = [], []
    async with write_tx():
        for offset, lines, closing in entries:
            day = FIRST + timedelta(days=offset)
            post_lines = _post_lines(lines, closing, partner)
            if not any(x.debit or x.credit for x in post_lines):
                continue
            ids.append(await entry_post(company_id=company, day=day, kind=EntryKind.manual,
                                        lines=post_lines))  # fmt: skip
            posted.append((day, post_lines))
    start, end = (FIRST + timedelta(days=d) for d in when)

    tb = await trial_balance(by=SYSTEM, start=start, end=end, detail="analytic")
    assert tb.balanced
    assert is_balanced(tb.total)
    expected = _expected(posted, start, end)
    rows = {r.code: r for r in tb.rows if r.level == "account"}
    for code, (opening, d, c) in expected.items():
        if code not in rows:  # an account whose figures are all zero is left out
            assert opening == 0
            assert opening + d - c == 0
            continue
        r = rows[code]
        assert r.opening == Pair.balance(opening)
        assert r.cumulated == Pair.of(d, c)
        assert r.closing == Pair.balance(int(r.totals.debit * 100) - int(r.totals.credit * 100))
        assert int(r.closing.debit * 100) - int(r.closing.credit * 100) == opening + d - c
    assert set(rows) <= set(expected)
    # Folded into synthetic accounts, it still balances and closes the same in total.
    folded = await trial_balance(by=SYSTEM, start=start, end=end)
    assert folded.balanced
    assert folded.total.cumulated == tb.total.cumulated

    # The storno of every entry, at the end: every account back to nothing.
    last = FIRST + timedelta(days=DAYS)
    async with write_tx():
        for entry_id in ids:
            await entry_reverse(entry_id=entry_id, day=last)
    after = await trial_balance(by=SYSTEM, start=start, end=last, detail="analytic")
    assert after.balanced
    assert all(r.closing == Pair() for r in after.rows)
