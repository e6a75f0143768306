"""Printed handouts: every printout goes through one small layer (`layer.Handout`).

Importing this package does not load ReportLab; the first handout drawn does. Each sheet
function returns the PDF's bytes; `write_pdf` saves them atomically. Any member's name in a
handout's text raises `voicesgroup.errors.NameInHandout` before anything is drawn or saved.
"""

from voicesgroup.handouts.layer import (
    DiscreetBreach,
    Handout,
    HandoutNotSaved,
    NothingToPrint,
    Paper,
    Run,
    write_pdf,
)
from voicesgroup.handouts.names import DISCREET_STEMS, find_name
from voicesgroup.handouts.sheets import (
    RotaRow,
    agreement_sheet,
    diary_sheet,
    discreet_safe,
    member_record,
    rota_table,
    session_plan,
    strategies_sheet,
)

__all__ = [
    "DISCREET_STEMS",
    "DiscreetBreach",
    "Handout",
    "HandoutNotSaved",
    "NothingToPrint",
    "Paper",
    "RotaRow",
    "Run",
    "agreement_sheet",
    "diary_sheet",
    "discreet_safe",
    "find_name",
    "member_record",
    "rota_table",
    "session_plan",
    "strategies_sheet",
    "write_pdf",
]
