"""Where the official reference files live (../shared beside the checkout).

Tests read them in place; they are never copied into the project. CATASTIF_SHARED
overrides the location (CI lays shared/ beside the clone, as here).
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_path(*parts: str) -> Path:
    base = Path(os.environ.get("CATASTIF_SHARED", REPO.parent / "shared"))
    return base.joinpath(*parts)
