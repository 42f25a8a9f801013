"""Closed sets of values stored in Varchar columns (tables hold the choices, no logic)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a staff user may do; the matrix lives in domain/org/permissions.py."""

    admin = "admin"
    accountant = "accountant"
    sales = "sales"
    cashier = "cashier"
    viewer = "viewer"


class PartnerKind(StrEnum):
    company = "company"
    individual = "individual"


class PartnerRoleKind(StrEnum):
    client = "client"
    supplier = "supplier"
    employee = "employee"
    prospect = "prospect"
    lead = "lead"
    carrier = "carrier"
    other = "other"


class AddressKind(StrEnum):
    billing = "billing"
    delivery = "delivery"
    work_point = "work_point"


class ArticleKind(StrEnum):
    """The kind decides the revenue/cost accounts later (707/371, 701/345, 704, 706, 708)."""

    goods = "goods"
    product = "product"
    service = "service"
    rent = "rent"
    utility = "utility"


class VatCode(StrEnum):
    """UNTDID 5305 codes used by EN 16931 / CIUS-RO."""

    S = "S"
    Z = "Z"
    E = "E"
    AE = "AE"
    K = "K"
    G = "G"
    O = "O"


class DocType(StrEnum):
    """The documents a series numbers."""

    offer = "offer"
    proforma = "proforma"
    order = "order"
    delivery_note = "delivery_note"
    invoice = "invoice"
    warranty = "warranty"
    receipt = "receipt"  # chitanță: its own gapless series


class InvoiceTypeCode(StrEnum):
    """UNTDID 1001 codes e-Factura uses; all share the invoice table."""

    commercial = "380"
    credit_note = "381"
    advance = "386"
    self_billed = "389"


class DocStatus(StrEnum):
    draft = "draft"
    issued = "issued"
    cancelled = "cancelled"


class VatRegime(StrEnum):
    """The VAT treatment of a whole invoice; it decides the allowed line categories and
    the mentions printed (Cod fiscal art. 319 alin. 20 lit. k)."""

    normal = "normal"
    cash_vat = "cash_vat"
    reverse_charge = "reverse_charge"
    intra_eu = "intra_eu"
    export = "export"
    not_registered = "not_registered"


class PriceAccess(StrEnum):
    """What a user, role or team may do with a price list; each level includes the ones
    before it (see < use < edit)."""

    see = "see"  # read its prices (lists, export)
    use = "use"  # price document lines with it
    edit = "edit"  # change its items, rules, access and assignments


class PriceTarget(StrEnum):
    """Who a price list is assigned to, in the resolver's order of precedence."""

    partner = "partner"
    partner_group = "partner_group"
    pos = "pos"
    work_point = "work_point"
    team = "team"
    company = "company"


class AccountKind(StrEnum):
    """Funcția contabilă: what a balance of the account means."""

    asset = "A"  # activ: debit balance
    liability = "P"  # pasiv: credit balance
    both = "B"  # bifuncțional


class PostingRole(StrEnum):
    """What an amount is, in a posting rule; each company maps roles to its accounts."""

    receivable = "receivable"  # 4111
    doubtful = "doubtful"  # 4118
    advance_received = "advance_received"  # 419
    to_invoice = "to_invoice"  # 418
    vat_collected = "vat_collected"  # 4427
    vat_pending = "vat_pending"  # 4428
    revenue_goods = "revenue_goods"  # 707
    revenue_product = "revenue_product"  # 701
    revenue_service = "revenue_service"  # 704
    revenue_rent = "revenue_rent"  # 706
    revenue_utility = "revenue_utility"  # 704 (or 708)
    revenue_other = "revenue_other"  # 708: charges on the document
    discount_granted = "discount_granted"  # 709
    cost_goods = "cost_goods"  # 607
    stock_goods = "stock_goods"  # 371
    cost_product = "cost_product"  # 711
    stock_product = "stock_product"  # 345
    payable = "payable"  # 401
    vat_deductible = "vat_deductible"  # 4426
    vat_self_invoice = "vat_self_invoice"  # 635: VAT of a self-invoice (autofacturare)
    cash = "cash"  # 5311: a cash desk in lei (unless the desk names its own account)
    cash_currency = "cash_currency"  # 5314
    bank = "bank"  # 5121: a bank account in lei (unless the account names its own)
    bank_currency = "bank_currency"  # 5124
    card_settlement = "card_settlement"  # 5125: card takings until the bank settles them
    bank_fees = "bank_fees"  # 627
    fx_loss = "fx_loss"  # 6651: collected at a lower rate than invoiced; revaluation loss
    fx_gain = "fx_gain"  # 7651


class EntryKind(StrEnum):
    """Where a journal entry comes from."""

    invoice = "invoice"
    delivery_note = "delivery_note"
    stock = "stock"
    manual = "manual"
    reclass = "reclass"
    receipt = "receipt"  # a collection: cash/bank/card = 4111 (+ 419 for what is left)
    allocation = "allocation"  # an advance used later, or an allocation undone: 419 / 4111
    fx_revaluation = "fx_revaluation"  # month-end revaluation of currency receivables
    card_settlement = "card_settlement"  # the bank settles card takings: 5121 + 627 = 5125
    reversal = "reversal"


class EfacturaState(StrEnum):
    """Where an invoice is on its way to ANAF; persisted before and after every call."""

    invalid = "invalid"  # the XML fails the official rules: fix (or storno) before sending
    validated = "validated"  # XML generated and valid, not yet asked to be sent
    queued = "queued"  # to be sent (after `send_after`)
    uploading = "uploading"  # an upload call started: never upload again before checking
    uploaded = "uploaded"  # ANAF gave its upload index: poll stareMesaj
    ok = "ok"  # accepted; the signed answer ZIP is stored
    nok = "nok"  # refused by ANAF; its error file is stored
    rejected = "rejected"  # refused at upload (no index): the answer says why


# The invoice list's copy of the state (tables/sales.py Invoice.efactura_state): every
# state of the submission, plus "never prepared".
InvoiceEfacturaState = StrEnum(
    "InvoiceEfacturaState", {"not_sent": "not_sent", **{s.name: s.value for s in EfacturaState}}
)


class UploadKind(StrEnum):
    standard = "standard"
    extern = "extern"  # foreign buyer (extern=DA)
    self_billed = "self_billed"  # autofactura=DA
    b2c = "b2c"  # uploadb2c


class AnafEnvironment(StrEnum):
    test = "test"
    prod = "prod"


class ReceiptKind(StrEnum):
    """How money came in; it decides the debit account and the document printed."""

    cash = "cash"  # chitanță (OMFP 2634/2015), cash desk 5311/5314
    card = "card"  # 5125 until the bank settles
    bank = "bank"  # transfer: 5121 / 5124
    fiscal_receipt = "fiscal_receipt"  # bon fiscal from the POS (cash desk)


class CashLimitPolicy(StrEnum):
    """What a cash receipt over Law 70/2015's daily limits does."""

    refuse = "refuse"
    override = "override"  # allowed with an explicit reason, recorded on the receipt


class StatementLineStatus(StrEnum):
    """A bank statement line on its way to the books."""

    new = "new"  # imported, nothing proposed
    proposed = "proposed"  # a partner/invoices proposal waits for confirmation
    confirmed = "confirmed"  # posted as a receipt, or as a card settlement
    ignored = "ignored"  # not a collection (fees, transfers, payments out)


class ReminderStatus(StrEnum):
    """A reminder e-mail: recorded as `sending` before it leaves, then its answer."""

    sending = "sending"  # about to leave (or the run died before the SMTP answer)
    sent = "sent"
    failed = "failed"
