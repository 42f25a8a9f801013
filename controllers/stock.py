"""/api/stock: warehouses, stock settings, receptions (NIR), transfers, inventory
adjustments, the stock card (fișa de magazie) and the valuation at a date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, patch, post, put
from litestar.params import Parameter

from controllers.paging import check_limit
from controllers.schemas import RowId
from controllers.schemas.stock import (
    AdjustmentIn,
    ReceptionIn,
    ReceptionOut,
    ReceptionPage,
    SettingsIn,
    SettingsOut,
    StockCardOut,
    StockDocumentOut,
    TransferIn,
    ValuationOut,
    WarehouseIn,
    WarehouseOut,
    WarehousePatch,
)
from domain.core.clock import today
from domain.inventory.ops import AdjustmentLine, TransferLine, adjustment, transfer
from domain.inventory.queries import (
    reception_list,
    source_moves,
    stock_card,
    stock_valuation,
    warehouse_get,
    warehouse_list,
)
from domain.inventory.receptions import reception_draft_create, reception_get, reception_issue
from domain.inventory.warehouses import (
    STOCK_AREA,
    settings_get,
    settings_save,
    warehouse_create,
    warehouse_update,
)
from domain.org.permissions import Action, require
from domain.sales.queries import default_company_id

SCALES = {
    "quantity": Decimal("0.001"),
    "balance_qty": Decimal("0.001"),
    "unit_price": Decimal("0.0001"),
    "unit_cost": Decimal("0.0001"),
    "fx_rate": Decimal("0.0001"),
    "vat_rate": Decimal("0.01"),
}
MONEY = ("value", "balance_value", "net", "vat", "value_ron", "vat_ron", "net_total_ron",
         "vat_total_ron", "total_ron", "total")  # fmt: skip


def scaled(row: Mapping[str, Any]) -> dict[str, Any]:
    """Numbers at their column's scale on both engines (SQLite hands back floats)."""
    out = dict(row)
    for key, places in SCALES.items():
        if out.get(key) is not None:
            out[key] = Decimal(repr(out[key]) if isinstance(out[key], float) else out[key])
            out[key] = out[key].quantize(places)
    for key in MONEY:
        if out.get(key) is not None:
            value = out[key]
            out[key] = Decimal(repr(value) if isinstance(value, float) else value).quantize(
                Decimal("0.01")
            )
    return out


def _reception_out(row: Mapping[str, Any]) -> ReceptionOut:
    lines = [scaled(x) for x in row.get("lines", [])]
    return msgspec.convert(scaled(row) | {"lines": lines}, ReceptionOut)


def _sent(data: msgspec.Struct) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


class StockController(Controller):
    path = "/api/stock"
    tags = ["Stocuri"]

    # -------------------------------------------------------------- warehouses

    @get("/warehouses", operation_id="ListWarehouses", summary="Gestiunile")
    async def list_warehouses(
        self, request: Request, company: int | None = Parameter(default=None, ge=1)
    ) -> list[WarehouseOut]:
        rows = await warehouse_list(company_id=company, by=request.user)
        return msgspec.convert(rows, list[WarehouseOut])

    @post("/warehouses", operation_id="CreateWarehouse", summary="Gestiune nouă")
    async def create_warehouse(self, request: Request, data: WarehouseIn) -> WarehouseOut:
        values = msgspec.structs.asdict(data)
        values["company"] = data.company or await default_company_id()
        warehouse_id = await warehouse_create(values=values, by=request.user)
        return msgspec.convert(await warehouse_get(warehouse_id, by=request.user), WarehouseOut)

    @patch("/warehouses/{warehouse_id:int}", operation_id="UpdateWarehouse")
    async def update_warehouse(
        self, request: Request, warehouse_id: RowId, data: WarehousePatch
    ) -> WarehouseOut:
        await warehouse_update(warehouse_id=warehouse_id, values=_sent(data), by=request.user)
        return msgspec.convert(await warehouse_get(warehouse_id, by=request.user), WarehouseOut)

    # -------------------------------------------------------------- settings

    @get("/settings", operation_id="GetStockSettings", summary="Setările de stoc ale firmei")
    async def get_settings(
        self, request: Request, company: int | None = Parameter(default=None, ge=1)
    ) -> SettingsOut:
        require(request.user, STOCK_AREA, Action.read)
        return msgspec.convert(await settings_get(company or await default_company_id()),
                               SettingsOut)  # fmt: skip

    @put("/settings", operation_id="SaveStockSettings", summary="CMP sau FIFO; stoc negativ")
    async def save_settings(self, request: Request, data: SettingsIn) -> SettingsOut:
        company = data.company or await default_company_id()
        values = {k: v for k, v in _sent(data).items() if k != "company"}
        await settings_save(company_id=company, values=values, by=request.user)
        return msgspec.convert(await settings_get(company), SettingsOut)

    # -------------------------------------------------------------- receptions

    @get("/receptions", operation_id="ListReceptions", summary="NIR-urile, cele noi întâi")
    async def list_receptions(
        self,
        request: Request,
        before: int | None = Parameter(default=None, ge=1, description="Cursorul «next»"),
        limit: int = Parameter(default=50),
    ) -> ReceptionPage:
        limit = check_limit(limit)
        rows = await reception_list(limit=limit + 1, before=before, by=request.user)
        more = len(rows) > limit
        items = [_reception_out(r) for r in rows[:limit]]
        return ReceptionPage(items=items, next=items[-1].id if more else None)

    @post("/receptions", operation_id="CreateReception", summary="NIR nou (ciornă)")
    async def create_reception(self, request: Request, data: ReceptionIn) -> ReceptionOut:
        values = msgspec.structs.asdict(data)
        lines = [msgspec.structs.asdict(x) for x in values.pop("lines")]
        values["company"] = data.company or await default_company_id()
        reception_id = await reception_draft_create(values=values, lines=lines, by=request.user)
        return _reception_out(await reception_get(reception_id, by=request.user))

    @get("/receptions/{reception_id:int}", operation_id="GetReception")
    async def get_reception(self, request: Request, reception_id: RowId) -> ReceptionOut:
        return _reception_out(await reception_get(reception_id, by=request.user))

    @post(
        "/receptions/{reception_id:int}/issue",
        operation_id="IssueReception",
        summary="Emite NIR-ul: marfa intră în gestiune, nota 371 = 401 + 4426",
        status_code=200,
    )
    async def issue_reception(self, request: Request, reception_id: RowId) -> ReceptionOut:
        await reception_issue(reception_id=reception_id, by=request.user)
        return _reception_out(await reception_get(reception_id, by=request.user))

    # -------------------------------------------------------------- transfers, adjustments

    @post("/transfers", operation_id="CreateTransfer", summary="Transfer între gestiuni")
    async def create_transfer(self, request: Request, data: TransferIn) -> StockDocumentOut:
        doc = await transfer(
            company_id=data.company or await default_company_id(),
            from_warehouse=data.from_warehouse, to_warehouse=data.to_warehouse,
            day=data.day or today(), reason=data.reason, by=request.user,
            lines=[TransferLine(x.article, x.quantity) for x in data.lines],
        )  # fmt: skip
        return await _document_out(doc)

    @post("/adjustments", operation_id="CreateAdjustment", summary="Ajustare de inventar")
    async def create_adjustment(self, request: Request, data: AdjustmentIn) -> StockDocumentOut:
        doc = await adjustment(
            company_id=data.company or await default_company_id(),
            warehouse_id=data.warehouse, day=data.day or today(), reason=data.reason,
            by=request.user,
            lines=[AdjustmentLine(x.article, x.quantity, x.counted, x.unit_cost)
                   for x in data.lines],
        )  # fmt: skip
        return await _document_out(doc)

    # -------------------------------------------------------------- reports

    @get("/card", operation_id="StockCard", summary="Fișa de magazie")
    async def card(
        self,
        request: Request,
        warehouse: Annotated[int, Parameter(ge=1, description="Gestiunea")],
        article: Annotated[int, Parameter(ge=1, description="Articolul")],
        date_from: Annotated[date | None, Parameter(description="Implicit: 1 ale lunii")] = None,
        date_to: Annotated[date | None, Parameter(description="Implicit: azi")] = None,
    ) -> StockCardOut:
        end = date_to or today()
        start = date_from or end.replace(day=1)
        card = await stock_card(warehouse_id=warehouse, article_id=article, date_from=start,
                                date_to=end, by=request.user)  # fmt: skip
        return msgspec.convert(card, StockCardOut)

    @get("/valuation", operation_id="StockValuation", summary="Valoarea stocului la o dată")
    async def valuation(
        self,
        request: Request,
        on: Annotated[date | None, Parameter(description="Data (inclusiv); implicit azi")] = None,
        warehouse: int | None = Parameter(default=None, ge=1),
        company: int | None = Parameter(default=None, ge=1),
    ) -> ValuationOut:
        out = await stock_valuation(
            company_id=company or await default_company_id(),
            on=on or today(),
            warehouse_id=warehouse,
            by=request.user,
        )
        return msgspec.convert(out, ValuationOut)


async def _document_out(doc: int) -> StockDocumentOut:
    moves = [scaled(m) for m in await source_moves("stock_document", doc)]
    return msgspec.convert({"id": doc, "moves": moves}, StockDocumentOut)
