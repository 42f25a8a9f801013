"""«Încasări» in the admin, the receivables side: payment terms and each client's default
term (edited through the domain's checks), the reminder settings, and the reminders sent
(shown only: the reminder job and «Reamintire de plată» write them)."""

from __future__ import annotations

from piccolo_admin.endpoints import OrderBy, TableConfig

from admin.guards import area_guard, read_only_guard
from admin.hooks import record_hooks
from admin.receipt_tables import PAYMENTS
from domain.org.permissions import Area
from domain.payments.term_ops import partner_term_prepare, payment_term_prepare
from tables.payments import PartnerPaymentTerm, PaymentSettings, PaymentTerm, Reminder

REMINDERS_KEPT = (
    "Reamintirile le scrie lucrarea zilnică (Setări încasări › reamintiri activate) și "
    "formularul «Reamintire de plată»; ele rămân ca dovadă a ce s-a trimis."
)


def receivable_table_configs() -> list[TableConfig]:
    return [
        TableConfig(
            PaymentTerm,
            menu_group=PAYMENTS,
            validators=area_guard(Area.payments),
            hooks=record_hooks(PaymentTerm, payment_term_prepare, "term_id"),
            visible_columns=[PaymentTerm.name, PaymentTerm.instalments, PaymentTerm.active],
            order_by=[OrderBy(PaymentTerm.name)],
            link_column=PaymentTerm.name,
        ),
        TableConfig(
            PartnerPaymentTerm,
            menu_group=PAYMENTS,
            validators=area_guard(Area.payments),
            hooks=record_hooks(PartnerPaymentTerm, partner_term_prepare, "link_id"),
            visible_filters=[PartnerPaymentTerm.partner, PartnerPaymentTerm.term],
        ),
        TableConfig(PaymentSettings, menu_group=PAYMENTS, validators=area_guard(Area.payments)),
        TableConfig(
            Reminder,
            menu_group=PAYMENTS,
            validators=read_only_guard(Area.payments, REMINDERS_KEPT),
            visible_columns=[
                Reminder.id,
                Reminder.sent_at,
                Reminder.partner,
                Reminder.to_email,
                Reminder.subject,
                Reminder.status,
                Reminder.error,
            ],
            visible_filters=[Reminder.partner, Reminder.status, Reminder.sent_at],
            order_by=[OrderBy(Reminder.id, ascending=False)],
        ),
    ]
