"""«Extrase bancare» in the admin: the imported statements and their lines, shown only.
They are written by the import and changed only by confirming or ignoring a line, on the
page /bank-statements/ (or the API): a line is never edited by hand."""

from __future__ import annotations

from piccolo_admin.endpoints import OrderBy, TableConfig

from admin.guards import read_only_guard
from domain.org.permissions import Area
from tables.payments import BankStatement, BankStatementLine

STATEMENTS = "Extrase bancare"
STATEMENTS_KEPT = (
    "Extrasele și liniile lor vin din fișierele băncii și nu se modifică: importați "
    "fișierul și confirmați sau ignorați liniile din pagina «Extrase bancare»."
)


def statement_table_configs() -> list[TableConfig]:
    return [
        TableConfig(
            BankStatement,
            menu_group=STATEMENTS,
            validators=read_only_guard(Area.payments, STATEMENTS_KEPT),
            visible_columns=[
                BankStatement.id,
                BankStatement.bank_account,
                BankStatement.reference,
                BankStatement.day_from,
                BankStatement.day_to,
                BankStatement.opening,
                BankStatement.closing,
                BankStatement.currency,
                BankStatement.file_format,
                BankStatement.file_name,
                BankStatement.imported_at,
                BankStatement.imported_by,
            ],
            visible_filters=[
                BankStatement.company,
                BankStatement.bank_account,
                BankStatement.reference,
                BankStatement.day_to,
            ],
            order_by=[OrderBy(BankStatement.id, ascending=False)],
            link_column=BankStatement.reference,
        ),
        TableConfig(
            BankStatementLine,
            menu_group=STATEMENTS,
            validators=read_only_guard(Area.payments, STATEMENTS_KEPT),
            visible_columns=[
                BankStatementLine.id,
                BankStatementLine.day,
                BankStatementLine.amount,
                BankStatementLine.currency,
                BankStatementLine.counterparty_name,
                BankStatementLine.text,
                BankStatementLine.status,
                BankStatementLine.partner,
                BankStatementLine.receipt,
                BankStatementLine.bank_reference,
            ],
            visible_filters=[
                BankStatementLine.company,
                BankStatementLine.bank_account,
                BankStatementLine.statement,
                BankStatementLine.status,
                BankStatementLine.day,
                BankStatementLine.partner,
                BankStatementLine.counterparty_name,
                BankStatementLine.bank_reference,
            ],
            order_by=[OrderBy(BankStatementLine.id, ascending=False)],
            link_column=BankStatementLine.id,
        ),
    ]
