"""Printed handouts: every printout goes through one small layer (`layer.Handout`).

Importing this package does not load ReportLab; the first handout drawn does. Each sheet
function returns the handout's bytes (PDF, plain text or HTML) and never touches the disk:
the caller saves them with `voicesgroup.outputs.write_output`. Any member's name in a
handout's text raises `voicesgroup.errors.NameInHandout` before anything is drawn.
"""

from voicesgroup.errors import NothingToPrint
from voicesgroup.handouts.discreet import DISCREET_STEMS
from voicesgroup.handouts.layer import (
    DiscreetBreach,
    Handout,
    Paper,
    Run,
)
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
    "NothingToPrint",
    "Paper",
    "RotaRow",
    "Run",
    "agreement_sheet",
    "diary_sheet",
    "discreet_safe",
    "member_record",
    "rota_table",
    "session_plan",
    "strategies_sheet",
]
