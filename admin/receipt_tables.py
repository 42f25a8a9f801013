"""«Încasări» in the admin: cash desks are edited here (through the domain's checks), while
receipts and their allocations are shown only: they are written by the forms «Încasare
nouă», «Anulează încasarea», «Anulează o alocare» (admin/forms/receipt_forms.py), by the
API and by bank statements, and never change once recorded."""

from __future__ import annotations

from piccolo_admin.endpoints import OrderBy, TableConfig

from admin.guards import area_guard, read_only_guard
from admin.hooks import record_hooks
from domain.org.permissions import Area
from domain.payments.cash_desks import cash_desk_prepare
from tables.payments import Allocation, CashDesk, Receipt

PAYMENTS = "Încasări"
RECEIPTS_KEPT = (
    "Încasările și alocările nu se modifică și nu se șterg: se înregistrează din formularul "
    "«Încasare nouă» (sau din API și extrase), iar o greșeală se corectează cu «Anulează "
    "încasarea» ori «Anulează o alocare», care scriu nota de stornare."
)


def receipt_table_configs() -> list[TableConfig]:
    return [
        TableConfig(
            CashDesk,
            menu_group=PAYMENTS,
            validators=area_guard(Area.payments),
            hooks=record_hooks(CashDesk, cash_desk_prepare, "cash_desk_id"),
            visible_columns=[
                CashDesk.code,
                CashDesk.name,
                CashDesk.currency,
                CashDesk.account,
                CashDesk.work_point,
                CashDesk.series,
                CashDesk.active,
            ],
            order_by=[OrderBy(CashDesk.code)],
            link_column=CashDesk.name,
        ),
        TableConfig(
            Receipt,
            menu_group=PAYMENTS,
            validators=read_only_guard(Area.payments, RECEIPTS_KEPT),
            visible_columns=[
                Receipt.id,
                Receipt.full_number,
                Receipt.kind,
                Receipt.status,
                Receipt.day,
                Receipt.partner,
                Receipt.amount,
                Receipt.currency,
                Receipt.amount_ron,
                Receipt.cash_desk,
                Receipt.description,
                Receipt.created_by,
            ],
            visible_filters=[
                Receipt.full_number,
                Receipt.kind,
                Receipt.status,
                Receipt.day,
                Receipt.partner,
                Receipt.cash_desk,
                Receipt.company,
            ],
            order_by=[OrderBy(Receipt.id, ascending=False)],
            link_column=Receipt.id,
        ),
        TableConfig(
            Allocation,
            menu_group=PAYMENTS,
            validators=read_only_guard(Area.payments, RECEIPTS_KEPT),
            visible_columns=[
                Allocation.id,
                Allocation.receipt,
                Allocation.invoice,
                Allocation.day,
                Allocation.amount,
                Allocation.amount_ron,
                Allocation.paid_ron,
                Allocation.reverses,
                Allocation.created_by,
            ],
            visible_filters=[Allocation.receipt, Allocation.invoice, Allocation.day],
            order_by=[OrderBy(Allocation.id, ascending=False)],
            link_column=Allocation.id,
        ),
    ]
