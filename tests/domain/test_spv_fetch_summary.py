"""The admin's one-sentence answer about the SPV inbox's latest run, in Romanian time."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.efactura.spv_fetch import fetch_summary_ro

RUN = {
    "requested_by": "",
    "started_at": datetime(2026, 3, 2, 5, 20, tzinfo=UTC),
    "finished_at": datetime(2026, 3, 2, 5, 21, tzinfo=UTC),
    "listed": 12,
    "new_messages": 3,
    "imported": 2,
    "linked": 0,
    "failed": 1,
    "error": "",
}


def test_never_running_and_done():
    assert "niciodată" in fetch_summary_ro(None)
    running = fetch_summary_ro(RUN | {"finished_at": None, "requested_by": "ana"})
    assert running == "Ultima preluare: pornită la 02.03.2026 07:20 (ana), încă în curs."
    assert fetch_summary_ro(RUN) == (
        "Ultima preluare: pornită la 02.03.2026 07:20 (automat), încheiată la 02.03.2026 "
        "07:21: 12 mesaje în ultimele 60 de zile, 3 noi, 2 facturi primite importate, 1 "
        "refuzate (motivul e la mesaj, în «Mesaje SPV»)."
    )


def test_a_stopped_run_says_why():
    text = fetch_summary_ro(RUN | {"failed": 0, "error": "ANAF nu răspunde."})
    assert text.endswith("S-a oprit: ANAF nu răspunde. Se reia automat.")
