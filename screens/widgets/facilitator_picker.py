"""Who is facilitating: two rows, each choosing one of the facilitators (the second may be
nobody). Used wherever a pair is named: starting a session, and the debrief after it."""

from __future__ import annotations

from uuid import UUID

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Select, Static

from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from voicesgroup.models import Facilitator

NOBODY = "nobody"


class FacilitatorPicker(Vertical):
    """Two labelled choices; `chosen()` gives the ids picked, first the one who leads."""

    DEFAULT_CSS = "FacilitatorPicker { height: auto; }"

    def __init__(
        self,
        facilitators: list[Facilitator],
        chosen: list[UUID],
        *,
        labels: tuple[str, str],
        nobody: str,
        ids: tuple[str, str],
        second_defaults_to_nobody: bool,
    ) -> None:
        super().__init__()
        self.facilitators = facilitators
        known = {person.id for person in facilitators}
        self.start = [str(person) for person in chosen if person in known]
        self.labels = labels
        self.nobody = nobody
        self.ids = ids
        self.second_defaults_to_nobody = second_defaults_to_nobody

    def compose(self) -> ComposeResult:
        options = [(literal(person.display_name), str(person.id)) for person in self.facilitators]
        first, second = self.start[:1], self.start[1:2]
        with Horizontal(classes="picker-row"):
            yield Static(self.labels[0], classes="row-label")
            yield LightSelect(
                options, value=first[0] if first else Select.NULL, prompt="Choose…", id=self.ids[0]
            )
        with Horizontal(classes="picker-row"):
            yield Static(self.labels[1], classes="row-label")
            if self.second_defaults_to_nobody:
                yield LightSelect(
                    [(self.nobody, NOBODY), *options],
                    value=second[0] if second else NOBODY,
                    allow_blank=False,
                    id=self.ids[1],
                )
            else:
                yield LightSelect(
                    [(self.nobody, NOBODY), *options],
                    value=second[0] if second else Select.NULL,
                    prompt="Choose…",
                    id=self.ids[1],
                )

    def _values(self) -> tuple[object, object]:
        first, second = (self.query_one(f"#{name}", Select).value for name in self.ids)
        return first, second

    def chosen(self) -> list[UUID]:
        """The people chosen, in order; nobody and nothing chosen are left out."""
        return [
            UUID(str(value))
            for value in self._values()
            if value is not Select.NULL and value != NOBODY
        ]

    def problem(self, first_missing: str) -> str | None:
        """Why the pair cannot be used yet (`first_missing` when nobody is chosen first)."""
        first, second = self._values()
        if first is Select.NULL:
            return first_missing
        if second is Select.NULL:
            return f"Choose a {self.labels[1].lower()}, or '{self.nobody}'."
        if first == second:
            return "Choose two different people."
        return None
