"""The document editor: a keyboard-first page for documents with many lines (issue 3).

One page and one script edit invoices (`invoices.py`) and offers, proformas, orders and
delivery notes (`documents.py`); what differs between them is data (`kinds.py`). The live
totals come from the one totals function (`totals.py`); the pages share `pages.py`.
"""

from controllers.editor.documents import DocumentEditorController
from controllers.editor.invoices import EditorController
from controllers.editor.totals import TotalsIn, TotalsOut, draft_totals

__all__ = ["DocumentEditorController", "EditorController", "TotalsIn", "TotalsOut", "draft_totals"]
