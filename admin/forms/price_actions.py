"""Forms on price lists: a new price, a CSV import, "what price applies?", end a price.

Each calls the domain (domain/pricing), which checks the list-level rights. People type
codes (list BAZA, article LAP, work point CJ) rather than internal numbers; both work.
Numbers are typed as text so that a bad one is refused in Romanian by the domain, not
in English by the form library.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.core.clock import today
from domain.core.errors import DomainError, NotFound, ValidationFailed
from domain.core.money import input_decimal
from domain.org.permissions import Actor
from domain.partners.identity import normalize_cui
from domain.pricing.csvio import prices_import
from domain.pricing.ops import price_end, price_set, require_level
from domain.pricing.resolver import PriceAsk, PriceContext, plain, resolve_prices
from tables.catalog import Article
from tables.choices import PriceAccess
from tables.org import WorkPoint
from tables.partners import Partner
from tables.pos import PointOfSale
from tables.pricing import PriceList

GROUP = "Prețuri"
SHOWN_ERRORS = 20  # bad CSV rows listed in the form; the count says how many in all

LIST_TITLE = "Lista de prețuri (cod, ex. BAZA, sau nr.)"


# ------------------------------------------------------------------------------ look-ups


def _number(text: str) -> str:
    """What people type: "12,50" or "1 250,5" is 12.50 / 1250.5 (input_decimal checks it)."""
    text = text.strip().replace(" ", "")
    return text.replace(",", ".") if "," in text and "." not in text else text


def _decimal(text: str, field: str) -> Decimal:
    return input_decimal(_number(text), field)


async def _list_id(text: str, by: Actor, needed: PriceAccess) -> int:
    """A list by code or number, that `by` may `needed`; one they may not see "does not
    exist" under the name they typed."""
    text = text.strip()
    missing = NotFound(
        "PRICE_LIST_NOT_FOUND", f"Lista de prețuri «{text}» nu există.", field="price_list"
    )
    row = await PriceList.select(PriceList.id).where(PriceList.code == text.upper()).first()
    list_id = row["id"] if row else (int(text) if text.isdigit() else None)
    if list_id is None:
        raise missing
    try:
        await require_level(list_id, needed, by=by)
    except NotFound:
        raise missing from None
    return list_id


async def _article_id(code: str) -> int:
    row = await Article.select(Article.id).where(Article.code == code.strip()).first()
    if row is None:
        raise ValidationFailed(
            "ARTICLE_INVALID", f"Articolul cu codul «{code.strip()}» nu există.", field="article"
        )
    return row["id"]


async def _partner_id(text: str) -> int | None:
    """A partner by CUI (with or without RO) or by internal number; a CUI wins."""
    text = text.strip()
    if not text:
        return None
    try:
        cui = normalize_cui(text)
    except DomainError:
        cui = None
    if cui is not None:
        row = await Partner.select(Partner.id).where(Partner.cui == cui).first()
        if row is not None:
            return row["id"]
    if text.isdigit() and await Partner.exists().where(Partner.id == int(text)):
        return int(text)
    raise ValidationFailed(
        "PARTNER_NOT_FOUND",
        f"Nu există un partener cu CUI-ul sau numărul intern «{text}».",
        field="partner",
    )


async def _coded_id(table: type[WorkPoint | PointOfSale], text: str, what: str) -> int | None:
    """A work point or POS by code (as typed, then in capitals) or by internal number."""
    text = text.strip()
    if not text:
        return None
    for code in dict.fromkeys((text, text.upper())):
        row = await table.select(table.id).where(table.code == code).first()
        if row is not None:
            return row["id"]
    if text.isdigit() and await table.exists().where(table.id == int(text)):
        return int(text)
    raise ValidationFailed(
        "NOT_FOUND", f"{what} «{text}» nu există (cod sau număr intern).", field=what
    )


def restore_lines(text: str) -> str:
    """The CSV as it was before the form's one-line field joined its lines.

    piccolo-admin's forms have no text area; a browser pastes a file into a one-line
    field with a space for each line break. The header says how many columns a row has;
    each row's last field (a date or a number, never a space inside) and the next row's
    first are then joined by the first space of one field. A text with its line breaks
    (sent by other clients) is returned as it is.
    """
    text = text.strip().lstrip("\ufeff")
    if "\n" in text or "\r" in text:
        return text
    delimiter = ";" if text.count(";") > text.count(",") else ","
    fields = next(csv.reader([text], delimiter=delimiter), [])
    width = next((i + 1 for i, f in enumerate(fields) if " " in f.strip()), 0)
    if width < 2:
        return text  # one line only, or header names with spaces: nothing to restore
    rows: list[list[str]] = [[]]
    for field in fields:
        if len(rows[-1]) < width - 1:
            rows[-1].append(field)
            continue
        inner = field.strip()
        if " " in inner:
            last, _, first = inner.partition(" ")
        elif field.startswith(" "):  # the row ended with an empty field
            last, first = "", inner
        else:
            last, first = inner, ""
        rows[-1].append(last)
        rows.append([first])
    if rows[-1] == [""]:
        rows.pop()
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _count(n: int, one: str, many: str) -> str:
    """Romanian numerals: 1 preț, 5 prețuri, 20 de prețuri (from 20 on, "de")."""
    if n == 1:
        return f"1 {one}"
    de = n >= 20 and (n % 100 == 0 or n % 100 >= 20)
    return f"{n} {'de ' if de else ''}{many}"


def _money(value: Decimal) -> str:
    """At least 2 decimals, the 4 of a unit price only when used: 12.50, 9.9009."""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    return format(value.quantize(Decimal(1).scaleb(-places)), "f")


# ------------------------------------------------------------------------------ forms


# piccolo-admin's forms show a field's title, not its description: the hints are there.


class NewPriceForm(BaseModel):
    price_list: str = Field(title=LIST_TITLE)
    article: str = Field(title="Cod articol")
    price: str = Field(title="Preț, în moneda listei, cu sau fără TVA cum e lista (ex. 12,50)")
    min_quantity: str = Field(default="", title="De la cantitatea (gol = oricare)")
    valid_from: date | None = Field(default=None, title="Valabil de la (gol = azi)")
    valid_to: date | None = Field(
        default=None, title="Valabil până la, inclusiv (gol = până la un preț nou)"
    )


class ImportForm(BaseModel):
    price_list: str = Field(title=LIST_TITLE)
    content: str = Field(title="Conținutul fișierului CSV (copiat și lipit aici)")


class WhatPriceForm(BaseModel):
    article: str = Field(title="Cod articol")
    quantity: str = Field(default="1", title="Cantitate")
    partner: str = Field(default="", title="Partener: CUI sau nr. (opțional)")
    work_point: str = Field(default="", title="Punct de lucru: cod sau nr. (opțional)")
    pos: str = Field(default="", title="Punct de vânzare: cod sau nr. (opțional)")
    day: date | None = Field(default=None, title="Data (gol = azi)")
    currency: str = Field(default="RON", title="Moneda documentului")


class EndPriceForm(BaseModel):
    item_id: int | None = Field(default=None, title="Nr. prețului (coloana ID din «pret»)")
    last_day: date | None = Field(default=None, title="Ultima zi, inclusiv (cel mai devreme azi)")


def _import_refusal(exc: ValidationFailed) -> ValueError:
    """Every bad row with its line number (the first SHOWN_ERRORS), in the form error."""
    errors = exc.details.get("errors") or []
    rows = "; ".join(f"rândul {e['line']}: {e['message']}" for e in errors[:SHOWN_ERRORS])
    more = f"; și încă {len(errors) - SHOWN_ERRORS}" if len(errors) > SHOWN_ERRORS else ""
    return ValueError(
        f"Nu s-a importat nimic: {_count(len(errors), 'rând greșit', 'rânduri greșite')}. "
        f"{rows[:1].upper()}{rows[1:]}{more}. (cod {exc.code})"
    )


def price_action_forms() -> list[FormConfig]:
    @form_errors
    async def new_price(request: Request, data: NewPriceForm) -> str:
        by = await request_actor(request)
        list_id = await _list_id(data.price_list, by, PriceAccess.edit)
        article = await _article_id(data.article)
        values = {
            "price": _decimal(data.price, "price"),
            "min_quantity": _decimal(data.min_quantity or "0", "min_quantity"),
            "valid_from": data.valid_from or today(),
            "valid_to": data.valid_to,
        }
        await price_set(list_id=list_id, article=article, values=values, by=by)
        row = await PriceList.select().where(PriceList.id == list_id).first()
        assert row is not None
        mode = "cu TVA" if row["prices_include_vat"] else "fără TVA"
        tier = (
            f", de la cantitatea {plain(values['min_quantity'])}" if values["min_quantity"] else ""
        )
        until = f" până la {data.valid_to:%d.%m.%Y}" if data.valid_to else ""
        return (
            f"Lista «{row['name']}», articolul {data.article.strip()}: "
            f"{_money(values['price'])} {row['currency']} {mode}{tier}, "
            f"valabil din {values['valid_from']:%d.%m.%Y}{until}."
        )

    async def import_prices(request: Request, data: ImportForm) -> str:
        try:
            return await _import(request, data)
        except ValidationFailed as exc:
            if exc.code == "PRICE_IMPORT_INVALID":
                raise _import_refusal(exc) from exc
            raise ValueError(f"{exc.message_ro} (cod {exc.code})") from exc
        except DomainError as exc:
            raise ValueError(f"{exc.message_ro} (cod {exc.code})") from exc

    async def _import(request: Request, data: ImportForm) -> str:
        by = await request_actor(request)
        list_id = await _list_id(data.price_list, by, PriceAccess.edit)
        text = restore_lines(data.content)
        added, unchanged = await prices_import(list_id=list_id, text=text, by=by)
        there = "exista" if unchanged == 1 else "existau"
        return f"{_count(added, 'preț adăugat', 'prețuri adăugate')}, {unchanged} {there} deja."

    @form_errors
    async def what_price(request: Request, data: WhatPriceForm) -> str:
        by = await request_actor(request)
        article = await _article_id(data.article)
        quantity = _decimal(data.quantity or "1", "quantity")
        context = PriceContext(
            day=data.day or today(),
            currency=(data.currency or "RON").strip().upper(),
            partner=await _partner_id(data.partner),
            work_point=await _coded_id(WorkPoint, data.work_point, "Punctul de lucru"),
            pos=await _coded_id(PointOfSale, data.pos, "Punctul de vânzare"),
        )
        [answer] = await resolve_prices([PriceAsk(article, quantity)], context, by=by)
        asked = f"{data.article.strip()} × {plain(quantity)} la {context.day:%d.%m.%Y}"
        why = " ".join(answer.why)
        if not answer.found or answer.net is None or answer.gross is None:
            return f"Niciun preț pentru {asked}. De ce: {why}"
        fx = (
            f" Curs folosit: {answer.fx_rate} {context.currency} pentru o unitate a listei."
            if answer.fx_rate is not None
            else ""
        )
        rate = plain(answer.vat_rate or Decimal(0))
        return (
            f"{asked}: {_money(answer.net)} {context.currency} fără TVA, "
            f"{_money(answer.gross)} {context.currency} cu TVA ({rate} %), "
            f"din lista «{answer.price_list_name}».{fx} De ce: {why}"
        )

    @form_errors
    async def end_price(request: Request, data: EndPriceForm) -> str:
        if data.item_id is None or data.last_day is None:
            raise ValidationFailed(
                "FIELD_REQUIRED", "Completați numărul prețului și ultima lui zi.", field="item_id"
            )
        await price_end(item_id=data.item_id, last_day=data.last_day,
                        by=await request_actor(request))  # fmt: skip
        return f"Prețul nr. {data.item_id} se aplică până la {data.last_day:%d.%m.%Y} inclusiv."

    what = FormConfig(
        name="Ce preț se aplică?",
        pydantic_model=WhatPriceForm,
        endpoint=what_price,
        form_group=GROUP,
        description="Prețul fără și cu TVA, lista din care vine și de ce.",
    )
    # piccolo-admin's slug is the name with dashes; a "?" would end the URL's path there.
    what.slug = "ce-pret-se-aplica"
    return [
        FormConfig(name="Preț nou", pydantic_model=NewPriceForm, endpoint=new_price,
                   form_group=GROUP,
                   description="Un preț nou al unui articol într-o listă; cel vechi rămâne "
                               "în istoric."),
        FormConfig(name="Import prețuri (CSV)", pydantic_model=ImportForm,
                   endpoint=import_prices, form_group=GROUP,
                   description="Deschideți fișierul CSV (și cel salvat din Excel) într-un "
                               "editor de text, copiați tot și lipiți. Antet: cod_articol, pret, "
                               "valabil_de_la, valabil_pana_la, cantitate_minima. Tot fișierul "
                               "sau nimic; un preț care există deja nu se adaugă a doua oară."),
        what,
        FormConfig(name="Încheie un preț", pydantic_model=EndPriceForm, endpoint=end_price,
                   form_group=GROUP,
                   description="Un preț nu se șterge: i se pune ultima zi, iar istoricul "
                               "rămâne."),
    ]  # fmt: skip
