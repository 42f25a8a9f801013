"""Printed documents: template context (invoice_context), HTML -> PDF (render), A4 templates."""
