"""Receivables and receipts: due dates, receipts and their allocation, FX differences,
bank statements, ageing, reminders, month-end revaluation."""
