"""Facilitator rotas: plan who leads and who co-facilitates each session, fairly.

- `rules`: each hard rule once, as a check and the one sentence that explains a break;
- `model`: the planning problem, built from `rules`; `solver`: its exact solution (HiGHS);
- `planner`: `generate`, the planner (pure: no files, no randomness; a clock only as the
  solver's safety net);
- `reasons`: why each session has the people it has, true of the rota as it stands;
- `cover`: who could take over from someone who can no longer come;
- `review`: the coordinator's review (load, gaps, rule breaks, planned against actual);
- `service`: the stored rota, as the app and the command line use it.

The pure parts are importable from here; `service` (which reads the store) is imported by name.
"""

from voicesgroup.rota.cover import CoverSuggestion, suggest_cover
from voicesgroup.rota.planner import (
    MAX_WEEKS,
    PlannedSession,
    RotaInputError,
    RotaResult,
    generate,
    sessions_for,
)
from voicesgroup.rota.review import FacilitatorLoad, Review, review

__all__ = [
    "MAX_WEEKS",
    "CoverSuggestion",
    "FacilitatorLoad",
    "PlannedSession",
    "Review",
    "RotaInputError",
    "RotaResult",
    "generate",
    "review",
    "sessions_for",
    "suggest_cover",
]
