"""The team sheet for supervision meetings: stages, shadowing, supervision dates, who can lead.

Built with the shared handout layer, so its text is checked against every member's name
before anything is drawn; the facilitator fields (names, who signed off) are facilitators',
never a member's mention. It holds facilitators' names and counts only: no member, no topic.
It is one kind of printout (`printing.KINDS["team-sheet"]`): made, named, read back and
audited by `printing` like every other.
"""

from __future__ import annotations

import datetime as dt

from voicesgroup import dates
from voicesgroup.facilitator_path import PathView, TeamPicture, team_picture
from voicesgroup.handouts import Handout
from voicesgroup.handouts.layer import Paper, Run, bold, em
from voicesgroup.store import Store


def team_sheet(store: Store, today: dt.date, *, paper: Paper = "a4") -> Handout:
    """The team sheet as of `today`, ready to draw."""
    picture = team_picture(store, today)
    return build_sheet(
        picture,
        today,
        forbidden_names=[member.display_name for member in store.members()],
        organisation=store.settings().organisation,
        paper=paper,
    )


def facilitator_fields(picture: TeamPicture) -> list[str]:
    """What the sheet prints in its facilitator fields: each facilitator's name and who
    signed each of them off. Never taken for a member's mention, even where a member has
    the same name, a part of it, or signed someone off."""
    fields = [view.name for view in picture.people]
    fields += [view.record.signed_off_by or "" for view in picture.people if view.record]
    return [field for field in fields if field]


def build_sheet(
    picture: TeamPicture,
    today: dt.date,
    *,
    forbidden_names: list[str],
    organisation: str = "",
    paper: Paper = "a4",
) -> Handout:
    """The sheet for `picture`: each kind of group's cover, each facilitator's path."""
    sheet = Handout(
        kind="team sheet",
        title="The facilitators' team",
        subtitle=f"For supervision, as of {dates.day(today)}. Names of facilitators only.",
        paper=paper,
        forbidden_names=forbidden_names,
        organisation=organisation,
        allow=facilitator_fields(picture),
        fit_pages=1,
    )
    sheet.heading("Who can lead each kind of group")
    if picture.kinds:
        sheet.table(
            ["Kind of group", "Can lead", "Experienced", "Shadowing"],
            [
                [
                    cover.variant.label,
                    ", ".join(cover.can_lead) or em("nobody yet"),
                    ", ".join(cover.experienced) or em("nobody"),
                    ", ".join(cover.shadowing) or NONE,
                ]
                for cover in picture.kinds
            ],
            widths=[0.18, 0.36, 0.26, 0.2],
            compact=True,
        )
    else:
        sheet.para("No groups are running yet.", style="muted")
    for sentence in picture.thin_words():
        sheet.para(sentence, style="gentle")
    sheet.heading("Each facilitator")
    active = [view for view in picture.people if view.facilitator.active]
    sheet.table(
        ["Name", "Stage", "Shadowed", "Signed off", "Last supervision", "Open follow-ups"],
        [
            [
                view.name,
                view.stage_words + (" (sign-off due)" if view.sign_off_due else ""),
                view.shadowing_words() if view.stage.value == "shadowing" else NONE,
                _signed_off(view) or "not yet",
                _supervision(view),
                str(view.open_follow_ups or NONE),
            ]
            for view in active
        ],
        widths=[0.13, 0.19, 0.22, 0.16, 0.18, 0.12],
        compact=True,
    )
    if not active:
        sheet.para("Nobody is facilitating at the moment.", style="muted")
    away = [view for view in active if view.breaks]
    if away:
        sheet.heading("Taking a break")
        sheet.bullets(
            f"{view.name}: "
            + "; ".join(
                f"{dates.date(span.start)} to {dates.date(span.end)}" for span in view.breaks
            )
            for view in away
        )
    sheet.write_space("Notes for the meeting (general topics, no names of members)", 3)
    return sheet


NONE = "none"
"""What an empty cell says: a blank could be a gap in the record."""


def _supervision(view: PathView) -> list[str | Run]:
    """The last supervision, and "overdue" in bold when it is."""
    last = dates.date(view.last_supervision) if view.last_supervision else NONE
    return [last, bold(" overdue")] if view.supervision_due else [last]


def _signed_off(view: PathView) -> str:
    record = view.record
    if record is None or record.signed_off_on is None:
        return "before this record" if view.may_lead else ""
    return f"{dates.date(record.signed_off_on)}, {record.signed_off_by or ''}".rstrip(", ")
