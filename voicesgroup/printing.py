"""What each printout holds, taken from the store: one place for the CLI and the UI alike.

Every function returns the PDF's bytes (nothing touches the disk here), checks the text
against every member's name through the handout layer, and notes the print in the audit log
(the kind of handout only — never its content).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal
from uuid import UUID

from voicesgroup.errors import NotFound
from voicesgroup.models import CopingStrategy, Group, Member, SessionTemplate
from voicesgroup.shipped import diary_layout, shipped_template
from voicesgroup.store import Store

Paper = Literal["a4", "letter"]
FAVOURITES_COUNT = 10


def member_names(store: Store) -> list[str]:
    """Every member's name: none may appear on a handout meant for someone else."""
    return [member.display_name for member in store.members()]


def favourites(
    store: Store, group: Group | None, count: int = FAVOURITES_COUNT
) -> list[CopingStrategy]:
    """The strategies this group marked as helping most (then the library's), most first."""
    key = str(group.id) if group else None

    def score(strategy: CopingStrategy) -> tuple[int, int, str]:
        in_group = strategy.helped_by_group.get(key, 0) if key else 0
        return (-in_group, -strategy.helped_count, strategy.title.casefold())

    ranked = sorted(store.strategies(), key=score)
    return [strategy for strategy in ranked if strategy.helped_count][:count] or ranked[:count]


def group_template(group: Group) -> SessionTemplate:
    """The group's own copy of the session template, else the shipped one for its kind."""
    return group.template or shipped_template(group.variant)


def strategies_pdf(
    store: Store,
    group: Group | None,
    *,
    strategy_ids: Sequence[UUID] = (),
    large_print: bool = False,
    discreet: bool = False,
    paper: Paper = "a4",
) -> bytes:
    """A coping strategies sheet: the chosen strategies, or the group's favourites."""
    from voicesgroup.handouts import strategies_sheet

    if strategy_ids:
        chosen = [store.strategy(strategy_id) for strategy_id in strategy_ids]
    else:
        chosen = favourites(store, group)
    pdf = strategies_sheet(
        chosen,
        group,
        store.support_contacts(),
        large_print=large_print,
        discreet=discreet,
        paper=paper,
        forbidden_names=member_names(store),
        organisation=store.settings().organisation,
    )
    store.audit("printed", "coping strategies sheet" + (" (discreet)" if discreet else ""))
    return pdf


def agreement_pdf(
    store: Store, group: Group, *, large_print: bool = False, paper: Paper = "a4"
) -> bytes:
    from voicesgroup.handouts import agreement_sheet

    pdf = agreement_sheet(
        group,
        large_print=large_print,
        paper=paper,
        forbidden_names=member_names(store),
        organisation=store.settings().organisation,
    )
    store.audit("printed", "group agreement")
    return pdf


def diary_pdf(
    kind: Literal["voices", "beliefs"], *, large_print: bool = False, paper: Paper = "a4"
) -> bytes:
    """A blank experience diary: nothing from the store is on it."""
    from voicesgroup.handouts import diary_sheet

    title, columns = diary_layout(kind)
    return diary_sheet(kind, columns=columns, title=title, paper=paper, large_print=large_print)


def session_plan_pdf(store: Store, group: Group, *, paper: Paper = "a4") -> bytes:
    from voicesgroup.handouts import session_plan

    pdf = session_plan(
        group,
        group_template(group),
        paper=paper,
        forbidden_names=member_names(store),
        organisation=store.settings().organisation,
    )
    store.audit("printed", "session plan")
    return pdf


def rota_pdf(store: Store, group: Group | None, *, paper: Paper = "a4") -> bytes:
    """The rota as a clear landscape table (facilitators' names only)."""
    from voicesgroup.handouts import RotaRow, rota_table

    groups = {item.id: item.name for item in store.groups(include_archived=True)}
    people = {person.id: person.display_name for person in store.facilitators()}
    rows = [
        RotaRow(
            date=f"{item.date:%a %d %b %Y}",
            group=groups.get(item.group_id, ""),
            lead=people.get(item.lead_id, "") if item.lead_id else "",
            co=people.get(item.co_id, "") if item.co_id else "",
            status=item.status.value,
            reason=item.reason,
        )
        for item in store.rota(group.id if group else None)
    ]
    if not rows:
        raise NotFound("There is no rota yet: generate one first.")
    title = f"Facilitator rota — {group.name}" if group else "Facilitator rota"
    pdf = rota_table(
        rows,
        title=title,
        paper=paper,
        forbidden_names=member_names(store),
        organisation=store.settings().organisation,
    )
    store.audit("printed", "facilitator rota")
    return pdf


def member_record_pdf(
    store: Store, member: Member, *, large_print: bool = False, paper: Paper = "a4"
) -> bytes:
    """Everything held about one member, for them; no one else's name."""
    from voicesgroup.handouts import member_record

    groups = {group.id: group.name for group in store.groups(include_archived=True)}
    attendance = [
        (session.date, groups.get(session.group_id, ""))
        for session in reversed(store.sessions())
        if member.id in session.named_member_ids
    ]
    strategies = [
        strategy
        for strategy in store.strategies(include_archived=True)
        if strategy.attributed_member_id == member.id
    ]
    pdf = member_record(
        member,
        store.consent_events(member.id),
        store.notes(member.id, include_restricted=True),
        attendance,
        strategies,
        store.contact_details(member.id, include_restricted=True),
        forbidden_names=[name for name in member_names(store) if name != member.display_name],
        paper=paper,
        large_print=large_print,
        organisation=store.settings().organisation,
    )
    store.audit("printed", "a member's own record")
    return pdf
