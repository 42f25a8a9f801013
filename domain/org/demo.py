"""The demo company `make run` loads once: enough to click through every screen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.catalog.ops import article_create
from domain.core.clock import today
from domain.core.tx import write_tx
from domain.inventory.receptions import reception_draft_create, reception_issue
from domain.inventory.warehouses import warehouse_create
from domain.ledger.chart import chart_setup
from domain.org.permissions import SYSTEM, Actor
from domain.org.users import user_create
from domain.partners.ops import partner_create
from domain.payments.cash_desks import cash_desk_create
from domain.payments.receipts import receipt_record
from domain.pricing.ops import (
    access_replace,
    assignment_add,
    item_values,
    price_list_create,
    prices_add,
)
from domain.sales.documents import (
    document_convert,
    document_draft_create,
    document_issue,
    invoice_from_documents,
    warranty_from_invoice,
)
from domain.sales.invoices import invoice_draft_create, invoice_issue, invoice_storno
from domain.sales.numbering import default_prefix
from tables.choices import DocType, ReceiptKind, Role
from tables.org import (
    Company,
    CompanyBankAccount,
    CostCentre,
    Department,
    Person,
    Team,
    WorkPoint,
)
from tables.partners import PartnerGroup
from tables.pos import PointOfSale
from tables.sales import DocumentSeries

DEMO_USERS = [
    ("admin", "admin", "Ana Popescu"),
    ("contabil", "accountant", "Ioana Marinescu"),
    ("vanzari", "sales", "Mihai Ionescu"),
    ("casier", "cashier", "Elena Dumitru"),
    ("vizitator", "viewer", "Radu Stan"),
]

# Check digits are valid; the numbers are made up for the demo.
DEMO_PARTNERS = [
    {
        "name": "Alfa Distribuție SRL",
        "cui": "12345674",
        "county": "RO-CJ",
        "city": "Cluj-Napoca",
        "street": "Str. Memorandumului 10",
        "vat_payer": True,
        "e_invoice_registered": True,
        "reg_com": "J12/345/2010",
        "roles": ["client"],
    },
    {
        "name": "Beta Construct SA",
        "cui": "34567892",
        "county": "RO-B",
        "sector": "SECTOR3",
        "city": "București",
        "street": "Bd. Unirii 1",
        "vat_payer": True,
        "cash_vat": True,
        "e_invoice_registered": True,
        "roles": ["client", "supplier"],
    },
    {
        "name": "Gama Servicii SRL",
        "cui": "22334451",
        "county": "RO-TM",
        "city": "Timișoara",
        "street": "Str. Paris 2",
        "vat_payer": False,
        "roles": ["supplier"],
    },
    {
        "name": "Ion Popa",
        "kind": "individual",
        "cnp": "1850715420011",
        "county": "RO-IS",
        "city": "Iași",
        "street": "Str. Lăpușneanu 5",
        "roles": ["client"],
    },
    {
        "name": "Müller Handel GmbH",
        "country": "DE",
        "foreign_vat_id": "DE136695976",
        "city": "München",
        "street": "Leopoldstraße 1",
        "roles": ["client"],
    },
]

DEMO_ARTICLES = [
    {"code": "LAP-001", "name": "Laptop 14\" business", "kind": "goods", "uom": "H87",
     "vat_category": "S-STANDARD", "warranty_months": 24, "nc_code": "84713000",
     "barcode": "5941234567899"},
    {"code": "CAF-500", "name": "Cafea boabe 500 g", "kind": "goods", "uom": "H87",
     "vat_category": "S-REDUSA", "nc_code": "09012100"},
    {"code": "SRV-ORA", "name": "Consultanță (oră)", "kind": "service", "uom": "HUR",
     "vat_category": "S-STANDARD"},
    {"code": "CHIRIE", "name": "Chirie spațiu comercial", "kind": "rent", "uom": "MON",
     "vat_category": "S-STANDARD"},
    {"code": "APA-REF", "name": "Apă refacturată", "kind": "utility", "uom": "MTQ",
     "vat_category": "S-REDUSA"},
]  # fmt: skip


async def demo_load(*, password: str) -> bool:
    """Load the demo company unless a company exists already; True if it was loaded."""
    if await Company.exists():
        return False
    async with write_tx():
        company = Company(
            name="Catastif Demo SRL",
            cui="44556670",
            reg_com="J40/1234/2024",
            county="RO-B",
            sector="SECTOR1",
            city="București",
            street="Calea Victoriei 100",
            postal_code="010071",
            capital=Decimal("200.00"),
            vat_payer=True,
            email="office@demo.catastif.ro",
        )
        await company.save()
        await chart_setup(company.id)  # before anything is issued and posted
        await CompanyBankAccount(
            company=company.id,
            iban="RO49AAAA1B31007593840000",
            bank_name="Banca Demo",
            is_default=True,
        ).save()
        hq = WorkPoint(
            company=company.id,
            code="SEDIU",
            name="Sediul social",
            county="RO-B",
            sector="SECTOR1",
            city="București",
            street="Calea Victoriei 100",
        )
        shop = WorkPoint(
            company=company.id,
            code="CJ-MAG",
            name="Magazin Cluj",
            county="RO-CJ",
            city="Cluj-Napoca",
            street="Piața Unirii 3",
        )
        await WorkPoint.insert(hq, shop)
        sales = Department(company=company.id, code="VANZ", name="Vânzări")
        office = Department(company=company.id, code="ADM", name="Administrativ")
        await Department.insert(sales, office)
        await CostCentre.insert(
            CostCentre(company=company.id, code="CC-COM", name="Comercial"),
            CostCentre(company=company.id, code="CC-GEN", name="Cheltuieli generale"),
        )
        team = Team(company=company.id, code="ECH-NORD", name="Echipa Nord", department=sales.id)
        await team.save()
        for username, role, full_name in DEMO_USERS:
            user_id = await user_create(
                username=username,
                password=password,
                role=role,
                by=SYSTEM,
                email=f"{username}@demo.catastif.ro",
            )
            await Person(
                company=company.id,
                name=full_name,
                user=user_id,
                work_point=shop.id if role in {"sales", "cashier"} else hq.id,
                department=sales.id if role in {"sales", "cashier"} else office.id,
                team=team.id if role == "sales" else None,
            ).save()
        resellers = PartnerGroup(name="Revânzători")
        await resellers.save()
        partners = []
        for values in DEMO_PARTNERS:
            values = dict(values)
            if values["name"] == "Alfa Distribuție SRL":
                values["group"] = resellers.id
            partners.append(
                await partner_create(values=values, roles=values.pop("roles"), by=SYSTEM)
            )
        articles = [await article_create(values=v, by=SYSTEM) for v in DEMO_ARTICLES]
        pos = PointOfSale(company=company.id, work_point=shop.id, code="CASA-1", name="Casa 1")
        await pos.save()
        await _demo_price_lists(
            {"group": resellers.id, "pos": pos.id, "shop": shop.id, "team": team.id},
            partners,
            articles,
        )
        await _demo_stock(company.id, shop.id, partners, articles)
        await _demo_invoices(company.id, partners, articles)
    return True


async def _demo_price_lists(
    where: dict[str, int], partners: list[int], articles: list[int]
) -> None:
    """A base list for everyone, a derived one for resellers, shop prices with VAT for the
    POS and the shop, euro prices for the German client, special prices only some may use."""
    laptop, coffee, consulting, rent, water = articles
    _alfa, beta, _gama, _ion, muller = partners
    since = date(2025, 1, 1)
    lists = {
        "BAZA": ({"name": "Listă de bază"},
                 {laptop: "3200", coffee: "54.90", consulting: "250", rent: "4500", water: "12.50"},
                 [{"target": "company"}]),
        "RVZ": ({"name": "Revânzători", "base_list": "BAZA", "base_percent": Decimal(-12),
                 "rounding": "1"}, {},
                [{"target": "partner_group", "partner_group": where["group"]}]),
        "MAGAZIN": ({"name": "Magazin (cu TVA)", "prices_include_vat": True, "base_list": "BAZA",
                     "base_percent": Decimal(0), "rounding": "x.99"}, {coffee: "64.90"},
                    [{"target": "pos", "pos": where["pos"]},
                     {"target": "work_point", "work_point": where["shop"]}]),
        "EXPORT-EUR": ({"name": "Export (EUR)", "currency": "EUR"},
                       {laptop: "640", coffee: "11.50"},
                       [{"target": "partner", "partner": muller}]),
        "SPECIAL": ({"name": "Prețuri speciale Beta"}, {consulting: "220"},
                    [{"target": "partner", "partner": beta}]),
    }  # fmt: skip
    ids: dict[str, int] = {}
    for code, (values, prices, targets) in lists.items():
        if "base_list" in values:
            values = {**values, "base_list": ids[values["base_list"]]}
        ids[code] = await price_list_create(values={"code": code, **values}, by=SYSTEM)
        rows = [{"article": a, **item_values({"price": Decimal(p), "valid_from": since})}
                for a, p in prices.items()]  # fmt: skip
        if rows:
            await prices_add(list_id=ids[code], rows=rows, by=SYSTEM)
        for target in targets:
            await assignment_add(list_id=ids[code], values=target, by=SYSTEM)
    # Special prices: accountants change them, the northern sales team uses them.
    await access_replace(
        list_id=ids["SPECIAL"],
        rows=[{"role": "accountant", "level": "edit"}, {"team": where["team"], "level": "use"}],
        by=SYSTEM,
    )


async def _demo_stock(
    company_id: int, shop_id: int, partners: list[int], articles: list[int]
) -> None:
    """A central warehouse (the company's default) and the shop's, stocked through NIRs."""
    laptop, coffee, *_ = articles
    _alfa, beta, *_ = partners
    central = await warehouse_create(
        values={"company": company_id, "code": "DEP-CENTRAL", "name": "Depozit central",
                "is_default": True}, by=SYSTEM,
    )  # fmt: skip
    shop = await warehouse_create(
        values={"company": company_id, "work_point": shop_id, "code": "MAG-CJ",
                "name": "Magazin Cluj", "is_default": True}, by=SYSTEM,
    )  # fmt: skip
    day = today()
    for warehouse, lines in (
        (central, [(laptop, 20, "2450.00"), (coffee, 120, "31.20")]),
        (shop, [(coffee, 40, "31.20")]),
    ):
        nir = await reception_draft_create(
            values={"company": company_id, "warehouse": warehouse, "partner": beta, "day": day,
                    "supplier_doc_number": f"BC-{warehouse}", "supplier_doc_date": day},
            lines=[{"article": a, "quantity": q, "unit_price": p} for a, q, p in lines],
            by=SYSTEM,
        )  # fmt: skip
        await reception_issue(reception_id=nir, by=SYSTEM)


async def _demo_invoices(company_id: int, partners: list[int], articles: list[int]) -> None:
    """One series per document type, and a few invoices issued through the real operations."""
    day = today()
    for doc_type in DocType:
        await DocumentSeries(
            company=company_id, doc_type=doc_type, prefix=default_prefix(doc_type, day)
        ).save()
    laptop, coffee, consulting, rent, _water = articles
    alfa, beta, _gama, ion, _muller = partners
    sales = [
        (alfa, [{"article": laptop, "quantity": 2},  # the resellers' list prices it
                {"article": coffee, "quantity": 10, "unit_price": "54.90", "discount": "20.00"}]),
        (beta, [{"article": consulting, "quantity": 12, "unit_price": "250.00"},
                {"article": rent, "quantity": 1, "unit_price": "4500.00"}]),
        (ion, [{"article": coffee, "quantity": 2, "unit_price": "54.90"}]),
    ]  # fmt: skip
    issued = []
    for partner, lines in sales:
        draft = await invoice_draft_create(
            company_id=company_id, partner_id=partner, lines=lines, by=SYSTEM,
            header={"issue_date": day, "payment_terms": "Ordin de plată, 15 zile"},
        )  # fmt: skip
        issued.append(await invoice_issue(invoice_id=draft, by=SYSTEM))
    # The last invoice went to the wrong person: credited in full.
    await invoice_storno(invoice_id=issued[2].invoice_id, by=SYSTEM, issue_date=day)
    # The laptops carry 24 months of warranty.
    await document_issue(
        document_id=await warranty_from_invoice(invoice_id=issued[0].invoice_id, by=SYSTEM),
        by=SYSTEM,
    )
    # An offer that became an order, shipped on an aviz and invoiced from it; a proforma.
    offer = await document_draft_create(
        doc_type=DocType.offer, company_id=company_id, partner_id=beta, by=SYSTEM,
        header={"issue_date": day, "notes": "Prețurile includ livrarea și instalarea."},
        lines=[{"article": laptop, "quantity": 5, "unit_price": "3100.00"}],
    )  # fmt: skip
    await document_issue(document_id=offer, by=SYSTEM)
    order = await document_convert(document_id=offer, target=DocType.order, by=SYSTEM)
    await document_issue(document_id=order, by=SYSTEM)
    note = await document_convert(document_id=order, target=DocType.delivery_note, by=SYSTEM)
    await document_issue(document_id=note, by=SYSTEM)
    await invoice_issue(invoice_id=await invoice_from_documents(document_ids=[note], by=SYSTEM),
                        by=SYSTEM)  # fmt: skip
    proforma = await document_draft_create(
        doc_type=DocType.proforma, company_id=company_id, partner_id=alfa, by=SYSTEM,
        header={"issue_date": day},
        lines=[{"article": consulting, "quantity": 20, "unit_price": "250.00"}],
    )  # fmt: skip
    await document_issue(document_id=proforma, by=SYSTEM)
    await _demo_receipts(company_id, partners, issued[0].invoice_id)


async def _demo_receipts(company_id: int, partners: list[int], alfa_invoice: int) -> None:
    """A cash desk with the chitanțe series (CH-<year>); two chitanțe of Alfa against its invoice
    (under Law 70/2015's 5,000 lei a day), an advance in cash from Ion Popa, and Beta's
    bank transfer paying its oldest invoices first."""
    alfa, beta, _gama, ion, _muller = partners
    series = (
        await DocumentSeries.select(DocumentSeries.id)
        .where(
            (DocumentSeries.company == company_id) & (DocumentSeries.doc_type == DocType.receipt)
        )
        .first()
    )
    shop = await WorkPoint.select(WorkPoint.id).where(WorkPoint.code == "CJ-MAG").first()
    desk = await cash_desk_create(
        values={"company": company_id, "code": "CASA-CJ", "name": "Casieria Magazin Cluj",
                "work_point": shop["id"] if shop else None, "series": series["id"]},
        by=SYSTEM,
    )  # fmt: skip
    cashier = Actor(role=Role.cashier, name="Elena Dumitru")
    day = today()
    for amount in ("2000.00", "1500.00"):
        await receipt_record(
            company_id=company_id, kind=ReceiptKind.cash, partner_id=alfa, day=day,
            amount=Decimal(amount), cash_desk_id=desk, payer_name="Andrei Pop (delegat)",
            allocations=[{"invoice": alfa_invoice, "amount": Decimal(amount)}], by=cashier,
        )  # fmt: skip
    await receipt_record(
        company_id=company_id, kind=ReceiptKind.cash, partner_id=ion, day=day,
        amount=Decimal("500.00"), cash_desk_id=desk, allocations=[],
        description="Avans pentru comanda de cafea", by=cashier,
    )  # fmt: skip
    await receipt_record(
        company_id=company_id, kind=ReceiptKind.bank, partner_id=beta, day=day,
        amount=Decimal("10000.00"), bank_reference="OP 1452", by=SYSTEM,
    )  # fmt: skip
