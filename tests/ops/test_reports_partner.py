"""The customer file answered by one statement: the company and the partner checked in it,
the partner's own account followed beside the mapped ones, the listing cut at the row
limit while the totals still cover every line. (The worked client and supplier scenarios
are in test_reports.py.)"""

from __future__ import annotations

from datetime import date

import pytest

from domain.core.errors import NotFound, ValidationFailed
from domain.ledger import reports_partner
from domain.ledger.reports_partner import partner_file
from domain.org.permissions import SYSTEM
from domain.partners.ops import partner_role_set
from tests.factories import make_company
from tests.ops.test_reports import ACCOUNTANT, FEB, bal, cr, dr, make_books, post


@pytest.fixture
async def books() -> dict[str, int]:
    return await make_books()


async def test_the_company_is_checked_in_the_same_statement(books):
    c, cl = books["company"], books["client"]
    await post(c, date(2026, 2, 3), dr("4111", 100, partner=cl), cr("707", 100))
    named = await partner_file(by=ACCOUNTANT, partner_id=cl, start=FEB[0], end=FEB[1],
                               company_id=c)  # fmt: skip
    assert (named.company, named.closing) == (c, bal(100))
    with pytest.raises(NotFound) as err:
        await partner_file(by=ACCOUNTANT, partner_id=cl, start=FEB[0], end=FEB[1],
                           company_id=c + 9)  # fmt: skip
    assert err.value.code == "COMPANY_NOT_FOUND"
    other = await make_company(name="A Doua SRL", cui="18547290")
    with pytest.raises(ValidationFailed) as err:  # two companies: say which
        await partner_file(by=ACCOUNTANT, partner_id=cl, start=FEB[0], end=FEB[1])
    assert err.value.code == "COMPANY_REQUIRED"
    # The other company's books hold nothing for this client.
    empty = await partner_file(by=ACCOUNTANT, partner_id=cl, start=FEB[0], end=FEB[1],
                               company_id=other)  # fmt: skip
    assert (empty.accounts, empty.lines, empty.closing) == ([], [], bal())


async def test_the_partners_own_account_is_followed_too(books):
    c, cl = books["company"], books["client"]
    await partner_role_set(partner_id=cl, role="client", account="461", by=SYSTEM)
    await post(c, date(2026, 2, 3), dr("4111", 300, partner=cl), cr("707", 300))
    await post(c, date(2026, 2, 4), dr("461", 50, partner=cl), cr("5311", 50))
    await post(c, date(2026, 2, 5), dr("6022", 20), cr("401", 20, partner=cl))  # not a client's
    f = await partner_file(by=ACCOUNTANT, partner_id=cl, start=FEB[0], end=FEB[1])
    assert [(a.code, a.label, a.closing) for a in f.accounts] == [
        ("4111", "Facturi emise", bal(300)),
        ("461", "Facturi emise", bal(50)),
    ]
    assert [(x.account, x.balance) for x in f.lines] == [("4111", bal(300)), ("461", bal(350))]


async def test_a_long_file_is_cut_but_its_totals_cover_every_line(books, monkeypatch):
    c, cl = books["company"], books["client"]
    await post(c, date(2026, 1, 20), dr("4111", 1000, partner=cl), cr("707", 1000))
    for day in (2, 3, 4):
        await post(c, date(2026, 2, day), dr("5121", 100), cr("4111", 100, partner=cl))
    monkeypatch.setattr(reports_partner, "ROW_LIMIT", 2)
    f = await partner_file(by=ACCOUNTANT, partner_id=cl, start=FEB[0], end=FEB[1])
    assert f.truncated
    assert [(x.day.day, x.balance) for x in f.lines] == [(2, bal(900)), (3, bal(800))]
    assert (f.opening, f.turnover, f.closing) == (bal(1000), bal(0, 300), bal(700))
