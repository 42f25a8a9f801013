"""HTML (Jinja2) -> PDF (WeasyPrint), and where printed invoices are kept.

Rendering is blocking and takes ~100 ms a page: call `render_invoice_pdf` from async code
through `asyncio.to_thread` (the SAQ job does), never inside a transaction or a request.
WeasyPrint is imported on first use, so importing this module (the worker, the app) stays
cheap; renders are serialised by a lock (Pango/fontconfig are not documented thread-safe).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"
_LOCK = threading.Lock()


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _weasy() -> tuple[Any, Any, Any]:
    """(stylesheet, font configuration, URL fetcher), made once: a fetcher builds an SSL
    context (~40 ms) and the stylesheet is parsed once."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    # Its step-by-step INFO lines would be most of a worker's log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """Documents load files from the templates folder only, never from the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(TEMPLATES.as_uri() + "/"):
                raise ValueError(f"not loaded in printed documents: {url}")
            return super().fetch(url, headers)

    fetcher = LocalFetcher(allowed_protocols=("file",), allow_redirects=False)
    fonts = FontConfiguration()
    css = CSS(filename=str(TEMPLATES / "base.css"), url_fetcher=fetcher, font_config=fonts)
    return css, fonts, fetcher


def render_invoice_html(context: Mapping[str, Any]) -> str:
    return _environment().get_template("invoice.html").render(**context)


def render_invoice_pdf(context: Mapping[str, Any]) -> bytes:
    """The invoice as PDF bytes (A4, DejaVu Sans embedded). Blocking."""
    from weasyprint import HTML

    html = render_invoice_html(context)
    with _LOCK:
        css, fonts, fetcher = _weasy()
        document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[css], font_config=fonts)


def invoice_pdf_path(settings: Settings, invoice: Mapping[str, Any]) -> Path:
    """DATA_DIR/documents/invoices/<id>-<status>.pdf: a cancelled invoice is a new file
    (with the ANULAT stamp), the copy printed while it was issued stays as it was."""
    name = f"{int(invoice['id'])}-{invoice['status']}.pdf"
    return settings.data_dir / "documents" / "invoices" / name


def invoice_pdf_filename(invoice: Mapping[str, Any]) -> str:
    """The name a browser saves it under: FCT-00012.pdf."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", invoice.get("full_number") or "").strip("._")
    return f"{name or 'factura-' + str(invoice['id'])}.pdf"


# --- offers, proformas, orders, avize, warranty certificates ---------------------------------

# One folder per kind under DATA_DIR/documents (ids are unique across kinds: one table).
DOCUMENT_FOLDERS = {
    "offer": "offers",
    "proforma": "proformas",
    "order": "orders",
    "delivery_note": "delivery-notes",
    "warranty": "warranties",
}


@cache
def _document_css() -> Any:
    """document.css (signatures, conditions, the aviz's expedition block), parsed once."""
    from weasyprint import CSS

    _css, fonts, fetcher = _weasy()
    return CSS(filename=str(TEMPLATES / "document.css"), url_fetcher=fetcher, font_config=fonts)


def render_document_html(context: Mapping[str, Any]) -> str:
    return _environment().get_template("document.html").render(**context)


def render_document_pdf(context: Mapping[str, Any]) -> bytes:
    """An offer, proforma, order, aviz or warranty certificate as PDF bytes. Blocking."""
    from weasyprint import HTML

    html = render_document_html(context)
    with _LOCK:
        css, fonts, fetcher = _weasy()
        extra = _document_css()
        document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[css, extra], font_config=fonts)


def document_pdf_path(settings: Settings, document: Mapping[str, Any]) -> Path:
    """DATA_DIR/documents/<kind>/<id>-<status>.pdf (kind: offers, proformas, orders,
    delivery-notes, warranties): a cancelled document is a new file with the ANULAT stamp."""
    folder = DOCUMENT_FOLDERS[str(document["doc_type"])]
    name = f"{int(document['id'])}-{document['status']}.pdf"
    return settings.data_dir / "documents" / folder / name


def document_pdf_filename(document: Mapping[str, Any]) -> str:
    """The name a browser saves it under: OF-00003.pdf."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", document.get("full_number") or "").strip("._")
    return f"{name or str(document['doc_type']) + '-' + str(document['id'])}.pdf"


# --- chitanțe -------------------------------------------------------------------------------


@cache
def _receipt_css() -> Any:
    """receipt.css (two framed copies a page), parsed once."""
    from weasyprint import CSS

    _css, fonts, fetcher = _weasy()
    return CSS(filename=str(TEMPLATES / "receipt.css"), url_fetcher=fetcher, font_config=fonts)


def render_receipt_html(context: Mapping[str, Any]) -> str:
    return _environment().get_template("receipt.html").render(**context)


def render_receipt_pdf(context: Mapping[str, Any]) -> bytes:
    """A chitanță as PDF bytes. Blocking."""
    from weasyprint import HTML

    html = render_receipt_html(context)
    with _LOCK:
        css, fonts, fetcher = _weasy()
        document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[css, _receipt_css()], font_config=fonts)


def receipt_pdf_path(settings: Settings, receipt: Mapping[str, Any]) -> Path:
    """DATA_DIR/documents/receipts/<id>-<status>.pdf (a cancelled one is stamped ANULAT)."""
    name = f"{int(receipt['id'])}-{receipt['status']}.pdf"
    return settings.data_dir / "documents" / "receipts" / name


def receipt_pdf_filename(receipt: Mapping[str, Any]) -> str:
    """The name a browser saves it under: CH-00007.pdf."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", receipt.get("full_number") or "").strip("._")
    return f"{name or 'chitanta-' + str(receipt['id'])}.pdf"
