"""/api/meters: utility meters re-invoiced to clients, their readings, and the monthly
utilities invoice (way 22)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.params import Parameter

from controllers.schemas import MAX_INT, RowId
from controllers.schemas.invoices import InvoiceOut
from controllers.schemas.meters import (
    MeterDetail,
    MeterIn,
    MeterOut,
    MeterPatch,
    ReadingIn,
    ReadingOut,
    UtilitiesInvoiceIn,
)
from domain.sales.meters import (
    meter_create,
    meter_get,
    meter_list,
    meter_update,
    reading_delete,
    reading_record,
    utilities_invoice_draft,
)
from domain.sales.queries import default_company_id, invoice_get


def _sent(data: msgspec.Struct) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


class MeterController(Controller):
    path = "/api/meters"
    tags = ["Contoare"]

    async def _detail(self, request: Request, meter_id: int) -> MeterDetail:
        return msgspec.convert(await meter_get(meter_id, by=request.user), MeterDetail)

    @get("/", operation_id="ListMeters", summary="Contoarele (ale unui client)")
    async def list_meters(
        self,
        request: Request,
        partner: int | None = Parameter(default=None, ge=1, le=MAX_INT),
        active: bool | None = None,
    ) -> list[MeterOut]:
        rows = await meter_list(by=request.user, partner_id=partner, active=active)
        return msgspec.convert(rows, list[MeterOut])

    @post("/", operation_id="CreateMeter", summary="Contor nou")
    async def create_meter(self, request: Request, data: MeterIn) -> MeterDetail:
        values = msgspec.structs.asdict(data)
        values["company"] = data.company or await default_company_id()
        return await self._detail(request, await meter_create(values=values, by=request.user))

    @get("/{meter_id:int}", operation_id="GetMeter", summary="Un contor și citirile lui")
    async def get_meter(self, request: Request, meter_id: RowId) -> MeterDetail:
        return await self._detail(request, meter_id)

    @patch("/{meter_id:int}", operation_id="UpdateMeter")
    async def update_meter(
        self, request: Request, meter_id: RowId, data: MeterPatch
    ) -> MeterDetail:
        await meter_update(meter_id=meter_id, values=_sent(data), by=request.user)
        return await self._detail(request, meter_id)

    @post("/{meter_id:int}/readings", operation_id="RecordMeterReading", summary="Citire nouă")
    async def record_reading(
        self, request: Request, meter_id: RowId, data: ReadingIn
    ) -> ReadingOut:
        reading_id = await reading_record(meter_id=meter_id, by=request.user, **_sent(data))
        detail = await meter_get(meter_id, by=request.user)
        return msgspec.convert(
            next(r for r in detail["readings"] if r["id"] == reading_id), ReadingOut
        )

    @delete("/{meter_id:int}/readings/{reading_id:int}", operation_id="DeleteMeterReading",
            summary="Șterge o citire nefacturată")  # fmt: skip
    async def delete_reading(self, request: Request, meter_id: RowId, reading_id: RowId) -> None:
        await reading_delete(reading_id=reading_id, meter_id=meter_id, by=request.user)

    @post("/invoice", operation_id="UtilitiesInvoiceDraft", summary="Factura de utilități")
    async def invoice(self, request: Request, data: UtilitiesInvoiceIn) -> InvoiceOut:
        """A draft invoice of the client's unbilled consumption up to `until`: a line per
        meter, priced by the price lists unless typed in `prices`. Issue it with
        POST /api/invoices/{id}/issue."""
        invoice_id = await utilities_invoice_draft(
            company_id=data.company or await default_company_id(),
            partner_id=data.partner,
            until=data.until,
            prices={x.article: x.unit_price for x in data.prices},
            header=_sent(data.header),
            by=request.user,
        )
        return msgspec.convert(await invoice_get(invoice_id, by=request.user), InvoiceOut)
