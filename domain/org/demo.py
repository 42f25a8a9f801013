"""The demo company `make run` loads once: enough to click through every screen."""

from __future__ import annotations

from decimal import Decimal

from domain.catalog.ops import article_create
from domain.core.clock import today
from domain.core.tx import write_tx
from domain.org.permissions import SYSTEM
from domain.org.users import user_create
from domain.partners.ops import partner_create
from domain.sales.documents import (
    document_convert,
    document_draft_create,
    document_issue,
    invoice_from_documents,
    warranty_from_invoice,
)
from domain.sales.invoices import invoice_draft_create, invoice_issue, invoice_storno
from domain.sales.numbering import default_prefix
from tables.choices import DocType
from tables.org import (
    Company,
    CompanyBankAccount,
    CostCentre,
    Department,
    Person,
    Team,
    WorkPoint,
)
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
        partners = []
        for values in DEMO_PARTNERS:
            values = dict(values)
            partners.append(
                await partner_create(values=values, roles=values.pop("roles"), by=SYSTEM)
            )
        articles = [await article_create(values=v, by=SYSTEM) for v in DEMO_ARTICLES]
        await _demo_invoices(company.id, partners, articles)
    return True


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
        (alfa, [{"article": laptop, "quantity": 2, "unit_price": "3200.00"},
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
