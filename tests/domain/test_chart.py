"""The project's chart of accounts (domain/ledger/data/plan_conturi.csv) against the list
in ../shared/ro/chart (read in place, never copied): every official account is ours, with
a name, its class, its function, and its grade-I parent; the default accounts exist.

The shared list is derived from Odoo's Romanian chart, which adds accounts of its own to
the official plan. Those are not required here, by two explicit rules:

1. Maturity splits: Odoo divides many accounts by maturity into `<code>1` (up to a year)
   and `<code>2` (over a year), marked in the `maturity_split` column (16211/16212 for
   1621, 4011/4012 for 401). The official account is the code without its last digit.
2. ODOO_ONLY below: subdivisions the official plan does not have, each mapped to the
   official account it refines (44281/44282 "neexigibilă colectată/deductibilă" for 4428,
   5-digit codes, the "nedeductibile" splits...). The official account is required.

Both rules must be used by the list (an unused exception is removed), so a newer list
cannot hide a missing account behind them.
"""

from __future__ import annotations

import csv
import unicodedata

import pytest

from domain.ledger.chart import (
    DEFAULT_ACCOUNTS,
    ROLE_RO,
    group_accounts,
    official_chart,
    official_codes,
)
from tables.choices import AccountKind, PostingRole
from tests.shared_data import shared_path

SHARED = shared_path("ro", "chart", "plan_conturi_omfp1802.csv")

ODOO_ONLY = {
    "44281": "4428",  # TVA neexigibilă - colectată
    "44282": "4428",  # TVA neexigibilă - deductibilă
    "26751": "2675",  # "- creanțe" analytics of long-term loans and their interest
    "26761": "2676",
    "29661": "2966",
    "29681": "2968",
    "3481": "348",  # price differences on products "în curs" / "terminat"
    "3482": "348",
    "4951": "495",  # the group / the shareholders, one account officially
    "4952": "495",
    "6091": "609",  # discounts received, by kind of purchase
    "6092": "609",
    "6231": "623",  # protocol / advertising, one account officially
    "6232": "623",
    "6351": "635",  # deductible / non-deductible taxes (a tax split, not the plan's)
    "6352": "635",
    "65881": "6588",
    "65882": "6588",
    "68151": "681",  # cost of sales (Anglo-Saxon presentation)
    "68152": "681",
}


def _shared_rows() -> list[dict[str, str]]:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} is not there (set CATASTIF_SHARED)")
    with SHARED.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _official(row: dict[str, str]) -> tuple[str, str]:
    """The official account a row of the shared list stands for, and the rule used."""
    code, rule = row["code"], ""
    if row["maturity_split"]:
        code, rule = code[:-1], "maturity"
    if code in ODOO_ONLY:
        code, rule = ODOO_ONLY[code], rule or "odoo"
    return code, rule


def test_every_official_account_of_the_shared_list_is_in_ours():
    rows = _shared_rows()
    assert len(rows) > 500  # the whole list, not a broken read
    missing = {}
    for row in rows:
        code, _ = _official(row)
        if code not in official_codes():
            missing[row["code"]] = (code, row["name_ro"])
    assert missing == {}


def test_the_exclusion_rules_are_all_used_and_only_for_what_they_say():
    rows = _shared_rows()
    listed = {r["code"] for r in rows}
    assert set(ODOO_ONLY) <= listed, set(ODOO_ONLY) - listed
    for row in rows:
        if row["maturity_split"]:
            assert row["maturity_split"] in {"<=1y", ">1y"}
            assert row["code"][-1] == ("1" if row["maturity_split"] == "<=1y" else "2"), row
    # None of the excluded codes is an account of ours (they are not official).
    assert not set(ODOO_ONLY) & official_codes()
    # The official plan has synthetic accounts of 3 and 4 digits only.
    official = {_official(r)[0] for r in rows}
    assert {len(c) for c in official} == {3, 4}


def test_codes_are_unique_and_in_order():
    codes = [a.code for a in official_chart()]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes, key=lambda c: (c[:3], c))
    assert all(c.isdigit() and len(c) in (3, 4) for c in codes)


def test_names_classes_functions():
    for account in official_chart():
        assert account.name, account
        assert account.name == " ".join(account.name.split()), account
        # chart.py writes the names into SQL: no placeholder of Piccolo's nor its own.
        assert not set(account.name) & set("{}<>"), account
        assert unicodedata.is_normalized("NFC", account.name), account
        # Romanian letters with comma below (ș, ț), never the cedilla forms (ş, ţ).
        assert not set(account.name) & set("şţŞŢ"), account
        assert account.account_class == int(account.code[0]), account
        assert account.kind in set(AccountKind)


def test_grade_ii_accounts_have_their_grade_i_parent():
    codes = official_codes()
    orphans = [c for c in codes if len(c) == 4 and c[:3] not in codes]
    assert orphans == []
    assert group_accounts()["411"] == ("4111", "4118")
    assert "401" not in group_accounts()  # 401 has no subdivisions: posted to directly


@pytest.mark.parametrize(
    ("code", "name", "kind", "third_party"),
    [
        ("4111", "Clienți", "A", True),
        ("4118", "Clienți incerți sau în litigiu", "A", True),
        ("419", "Clienți - creditori", "P", True),
        ("401", "Furnizori", "P", True),
        ("4428", "TVA neexigibilă", "B", False),
        ("4427", "TVA colectată", "P", False),
        ("707", "Venituri din vânzarea mărfurilor", "P", False),
        ("709", "Reduceri comerciale acordate", "A", False),
        ("609", "Reduceri comerciale primite", "P", False),
        ("5121", "Conturi la bănci în lei", "A", False),
        ("121", "Profit sau pierdere", "B", False),
        ("2075", "Fond comercial negativ", "P", False),
    ],
)
def test_well_known_accounts(code: str, name: str, kind: str, third_party: bool):
    (account,) = [a for a in official_chart() if a.code == code]
    assert (account.name, account.kind, account.third_party) == (name, kind, third_party)


def test_expenses_are_assets_and_revenues_liabilities_but_the_contra_accounts():
    for account in official_chart():
        if account.account_class == 6 and account.code != "609":
            assert account.kind is AccountKind.asset, account
        if account.account_class == 7 and account.code not in {"709", "711", "712"}:
            assert account.kind is AccountKind.liability, account


def test_partner_accounts_need_a_partner():
    flagged = {a.code for a in official_chart() if a.third_party}
    needed = {"401", "403", "404", "408", "409", "4091", "411", "4111", "4118", "413",
              "418", "419", "451", "453", "456", "461", "462", "167", "4551"}  # fmt: skip
    assert needed <= flagged
    # Taxes, VAT, cash, revenue and expenses are never per partner.
    assert not {c for c in flagged if c[0] in "5678" or c.startswith("44")}


def test_every_posting_role_has_a_postable_default_account():
    assert set(DEFAULT_ACCOUNTS) == set(PostingRole)
    assert set(ROLE_RO) == set(PostingRole)
    for role, code in DEFAULT_ACCOUNTS.items():
        assert code in official_codes(), role
        assert code not in group_accounts(), role  # 701 -> 7015
