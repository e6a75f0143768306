"""The group's current agreement and the limits of confidentiality, read out every session."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from voicesgroup.models import Agreement


class AgreementView(Static):
    """The screen sets `agreement`; shows its points, then what stays private and when not."""

    DEFAULT_CSS = """
    AgreementView { height: auto; }
    """

    agreement: reactive[Agreement | None] = reactive(None, layout=True)

    def render(self) -> Text:
        agreement = self.agreement
        if agreement is None:
            return Text("This group has no written agreement yet; agree one together.")
        text = Text(f"Our agreement (version {agreement.version})", style="bold")
        for point in agreement.points:
            text.append(f"\n• {point}", style="not bold")
        text.append("\nConfidentiality and its limits", style="bold")
        for limit in agreement.confidentiality:
            text.append(f"\n• {limit}", style="not bold")
        return text
