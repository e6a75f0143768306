"""Every kind of printout the app makes, one entry each in `BUILT_IN`: how it is drawn (from
the store, through the handouts' layer), what it needs and allows, its file name, its
command-line options and what the print dialog's preview says of it.

To add one, write its sheet in `voicesgroup/handouts/sheets.py`, its `draw` (and `preview`)
here, and its `HandoutKind` in `BUILT_IN`: `voicesgroup.printing` registers it, and the print
dialog, `voicesgroup print`, file names, the read-back and the audit then take it as they
take every other.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from voicesgroup import dates
from voicesgroup.errors import NotFound, NothingToPrint, VoicesGroupError
from voicesgroup.print_kind import (
    Choice,
    HandoutKind,
    Made,
    Option,
    Preview,
    PrintRequest,
)

if TYPE_CHECKING:
    from voicesgroup import library
    from voicesgroup.models import Group, Member, SessionTemplate
    from voicesgroup.store import Store


def member_names(store: Store) -> list[Member]:
    """Every member: none may appear on a handout meant for someone else."""
    return store.members()


def group_template(group: Group) -> SessionTemplate:
    """The group's own copy of the session template, else the shipped one for its kind."""
    from voicesgroup.shipped import shipped_template

    return group.template or shipped_template(group.variant)


def _confirmed(store: Store) -> list[str]:
    return list(store.settings().words_not_names)


def _organisation(store: Store) -> str:
    return store.settings().organisation


# -- each kind ------------------------------------------------------------------------------


def _strategies(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
    from voicesgroup import library
    from voicesgroup.handouts import strategies_sheet

    preview = library.sheet_preview(
        store,
        request.group,
        request.strategy_ids,
        discreet=request.discreet,
        favourites_only=request.favourites,
        show_meeting=request.show_meeting,
    )
    preview = library.require_checked(preview, skip_unchecked=request.skip_unchecked)
    if not preview.strategies:
        picked = len(preview.left_out)
        raise NothingToPrint(
            f"The discreet sheet was not made: all {picked} idea{'s' if picked != 1 else ''} "
            "chosen mention voices, hearing, paranoia or the group, so it would be empty. "
            "Pick ideas without those words."
            if request.discreet and picked
            else "The sheet was not made: there are no ideas to put on it."
        )
    data = strategies_sheet(
        preview.strategies,
        request.group,
        preview.contacts,
        large_print=request.large_print,
        discreet=request.discreet,
        show_meeting=request.show_meeting,
        paper=request.paper,
        forbidden_names=member_names(store),
        organisation=_organisation(store),
        confirmed=_confirmed(store),
        output=_drawn_as(request),
    )
    detail = "coping strategies sheet" + (" (discreet)" if request.discreet else "")
    return data, detail, preview.left_out_sentences()


def _agreement(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
    from voicesgroup.handouts import agreement_sheet

    data = agreement_sheet(
        _need_group(request),
        large_print=request.large_print,
        paper=request.paper,
        forbidden_names=member_names(store),
        organisation=_organisation(store),
        confirmed=_confirmed(store),
        output=_drawn_as(request),
    )
    return data, "group agreement", []


def _diary(store: Store | None, request: PrintRequest) -> Made:
    from voicesgroup.handouts import diary_sheet
    from voicesgroup.shipped import diary_layout

    variant = "discreet" if request.discreet else request.diary
    title, columns = diary_layout(variant)
    data = diary_sheet(
        variant,
        columns=columns,
        title=title,
        paper=request.paper,
        large_print=request.large_print,
        output=_drawn_as(request),
        forbidden_names=member_names(store) if store is not None else (),
    )
    return data, "blank diary" + (" (discreet)" if request.discreet else ""), []


def _session_plan(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
    from voicesgroup.handouts import session_plan

    group = _need_group(request)
    data = session_plan(
        group,
        group_template(group),
        paper=request.paper,
        forbidden_names=member_names(store),
        organisation=_organisation(store),
        facilitators=[person.display_name for person in store.facilitators()],
        confirmed=_confirmed(store),
        output=_drawn_as(request),
    )
    return data, "session plan", []


def _rota(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
    from voicesgroup.handouts import RotaRow, rota_table

    group = request.group
    since = request.since or request.today or dt.date.today()
    groups = {item.id: item.name for item in store.groups(include_archived=True)}
    people = {person.id: person.display_name for person in store.facilitators()}
    assignments = [item for item in store.rota(group.id if group else None) if item.date >= since]
    if not assignments:
        raise NotFound(
            f"There is nothing on the rota from {dates.date(since)}: plan one first, "
            "or give an earlier --from date."
        )
    days = dates.days_in(item.date for item in assignments)
    rows = [
        RotaRow(
            date=day,
            group=groups.get(item.group_id, ""),
            lead=people.get(item.lead_id, "") if item.lead_id else "",
            co=people.get(item.co_id, "") if item.co_id else "",
            draft=item.status.value == "draft",
            reason=item.reason,
        )
        for item, day in zip(assignments, days, strict=True)
    ]
    title = f"Facilitator rota: {group.name}" if group else "Facilitator rota"
    data = rota_table(
        rows,
        title=title,
        subtitle=f"From {dates.date(since)}",
        reasons=request.reasons,
        paper=request.paper,
        forbidden_names=member_names(store),
        facilitators=people.values(),
        organisation=_organisation(store),
        confirmed=_confirmed(store),
        output=_drawn_as(request),
    )
    return data, "facilitator rota", []


def _member_record(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
    from voicesgroup.handouts import member_record
    from voicesgroup.store import forgetting

    member = request.member
    if member is None:
        raise VoicesGroupError("Choose the member whose record this is.")
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
    data = member_record(
        member,
        store.consent_events(member.id),
        store.notes(member.id, include_restricted=True),
        attendance,
        strategies,
        store.contact_details(member.id, include_restricted=True),
        forbidden_names=[other for other in member_names(store) if other.id != member.id],
        paper=request.paper,
        large_print=request.large_print,
        organisation=_organisation(store),
        confirmed=_confirmed(store),
        today=request.today,
        output=_drawn_as(request),
        record_mark=forgetting.kept_record_mark(store, member.id),
    )
    return data, "a member's own record", []


def _need_group(request: PrintRequest) -> Group:
    from voicesgroup.printing import KINDS

    if request.group is None:
        raise VoicesGroupError(f"Choose a group: the {KINDS[request.kind].label.lower()} is "
                               "the group's own.")  # fmt: skip
    return request.group


def _team_sheet(store: Store | None, request: PrintRequest) -> Made:
    from voicesgroup.team_sheet import team_sheet

    sheet = team_sheet(_need_store(store), request.today or dt.date.today(), paper=request.paper)
    return sheet.to_bytes(_drawn_as(request)), "team sheet", []


def _drawn_as(request: PrintRequest) -> Literal["pdf", "txt", "html"]:
    """The format a handout is drawn in (a table of figures is the report's alone)."""
    output = request.output
    if output == "csv":
        raise VoicesGroupError("Only the evaluation report comes as a CSV file.")
    return output


def _report(store: Store | None, request: PrintRequest) -> Made:
    from voicesgroup.evaluation import Period, report
    from voicesgroup.report_files import audit_detail, report_bytes

    store = _need_store(store)
    made = request.report
    if made is None:
        if request.since is None or request.until is None:
            raise VoicesGroupError("Give the first and the last day of the period.")
        made = report(
            store,
            Period(request.since, request.until),
            group_id=request.group.id if request.group else None,
            compare_previous_year=request.compare_previous_year,
            today=request.today,
        )
    output = request.output
    data = report_bytes(store, made, output, large_print=request.large_print, paper=request.paper)
    return data, audit_detail(made, output, large_print=request.large_print), []


def _need_store(store: Store | None) -> Store:
    if store is None:
        raise ValueError("Only a blank printout is made without a data file")
    return store


# -- what each will carry, for the print dialog -----------------------------------------------


def _preview_strategies(store: Store, request: PrintRequest, preview: Preview) -> None:
    from voicesgroup import library

    group = request.group
    try:
        sheet = library.sheet_preview(
            store,
            group,
            request.strategy_ids,
            discreet=request.discreet,
            favourites_only=request.favourites,
            show_meeting=request.show_meeting,
        )
    except VoicesGroupError as error:
        preview.add(f"\n! {error}", strong=True)
        return
    if request.discreet:
        preview.add(
            "\nDiscreet: titled “Things that help”; nothing on it says voices, hearing "
            "or paranoia, or gives the group's name; contacts in neutral words."
        )
    count = len(sheet.strategies)
    if sheet.chosen_by_hand:
        picked = count + len(sheet.left_out)
        preview.add(f"\n{picked} picked strateg{'y' if picked == 1 else 'ies'}")
        preview.add(f", {count} on this discreet sheet:" if sheet.left_out else ":")
    else:
        kind = f"{group.name}'s kind of group" if group else "any group"
        preview.add(
            f"\nNone picked, so {count} ideas chosen for {kind}. "
            "Pick strategies in the library with Space to choose them."
        )
    for strategy in sheet.strategies:
        preview.add(f"\n  • {strategy.title}")
    if not sheet.strategies:
        preview.add("\n  ! none: there is nothing to print", strong=True)
    _preview_left_out(sheet, preview)


def _preview_left_out(sheet: library.SheetPreview, preview: Preview) -> None:
    if sheet.left_out:
        preview.add(
            f"\nLeft out of the discreet sheet ({len(sheet.left_out)}), because a discreet "
            "sheet never carries these words:",
            strong=True,
        )
        for left in sheet.left_out:
            preview.add(f"\n  – {left.title} (says “{left.because_of}”)")
    preview.add("\nSpace for the member's own ideas.")
    names = ", ".join(contact.name for contact in sheet.contacts) or "none"
    preview.add(f"\nSupport contacts: {names}.")
    if sheet.contacts_left_out:
        dropped = "; ".join(f"{c.title} ({c.because_of})" for c in sheet.contacts_left_out)
        preview.add(f"\nContacts left out: {dropped}.")
    if sheet.unchecked:
        unchecked = ", ".join(contact.name for contact in sheet.unchecked)
        preview.add(
            f"\n! Not checked yet: {unchecked}. Printing asks you to check them first.",
            strong=True,
        )
    if sheet.meeting_left_out:
        preview.add("\nThe day, time and venue are left out (tick Show meeting to add them).")


def _preview_agreement(store: Store, request: PrintRequest, preview: Preview) -> None:
    group = request.group
    if group is None:
        preview.add("\n! Choose a group: the agreement is the group's own.", strong=True)
        return
    agreement = group.agreement
    if agreement is None:
        preview.add(f"\n! {group.name} has no agreement yet: there is nothing to print.")
        return
    preview.add(
        f"\nVersion {agreement.version}, agreed {dates.date(agreement.agreed_on)}, to review "
        f"{dates.date(agreement.review_on)}: {len(agreement.points)} points and "
        f"{len(agreement.confidentiality)} limits of confidentiality."
    )


def _preview_diary(store: Store, request: PrintRequest, preview: Preview) -> None:
    preview.add("\nA blank diary with columns to fill in. Nothing from this laptop is on it.")


def _preview_plan(store: Store, request: PrintRequest, preview: Preview) -> None:
    group = request.group
    if group is None:
        preview.add("\n! Choose a group: the plan follows the group's own session.", strong=True)
        return
    template = group_template(group)
    preview.add(
        f"\n{template.name}: {len(template.phases)} parts, {template.total_minutes} minutes, "
        "with each part's prompts and the group agreement to read out."
    )
    for phase in template.phases:
        preview.add(f"\n  • {phase.title} ({phase.minutes} min)")


CHOOSE_MEMBER = "Choose the member whose own record this is."


def _preview_record(store: Store, request: PrintRequest, preview: Preview) -> None:
    member = request.member
    if member is None:
        preview.add(f"\n! {CHOOSE_MEMBER}", strong=True)
        return
    preview.add(
        f"\nEverything kept about {member.display_name}, for them to keep: consents and "
        "their history, notes (restricted ones too), named attendance, strategies, contact "
        "details. Give it to them and no one else. The file name and the printer's queue "
        "never carry their name."
    )


# -- the command line's options -----------------------------------------------------------------


def _find_group(store: Store | None, name: str) -> Group:
    return _need_store(store).find_group(name)


def _find_member(store: Store | None, name: str) -> Member:
    return _need_store(store).find_member(name)


def _strategy_ids(store: Store | None, raw: list[str]) -> tuple[UUID, ...]:
    ids = []
    for text in raw:
        try:
            ids.append(UUID(text))
        except ValueError:
            raise VoicesGroupError(
                f"No strategy has the id {text!r} (see the library screen)"
            ) from None
    return tuple(ids)


def _since(store: Store | None, raw: str) -> dt.date:
    return dates.read_day(raw, "--from date", error=VoicesGroupError)


def _day(text: str) -> dt.date:
    return dates.read_day(text)


def group_option(help: str = "the group's name", *, required: bool = True) -> Option:
    """`--group NAME`: the group it is for."""
    return Option("--group", "group", help, required=required, read=_find_group)


def large_print_option(help: str = "") -> Option:
    """`--large-print`, for a kind that allows it (`HandoutKind.large_print`)."""
    return Option("--large-print", "large_print", help, switch=True)


def discreet_option(help: str) -> Option:
    """`--discreet`, for a kind that has a discreet version (`HandoutKind.discreet`)."""
    return Option("--discreet", "discreet", help, switch=True)


MEMBER = Option(
    "--member",
    "member",
    "the member whose record it is (a name, or the id when two share a name)",
    required=True,
    read=_find_member,
)


def _strategies_stem(request: PrintRequest) -> str:
    return "things-that-help" if request.discreet else "what-helps"


def _diary_stem(request: PrintRequest) -> str:
    return "my-diary" if request.discreet else f"diary-{request.diary}"


# -- the kinds ---------------------------------------------------------------------------------

BUILT_IN: tuple[HandoutKind, ...] = (
    HandoutKind(
        "strategies",
        "Coping strategies sheet",
        _strategies,
        discreet=True,
        shows_meeting=True,
        stem=_strategies_stem,
        help="a coping strategies sheet to take home",
        preview=_preview_strategies,
        options=(
            group_option(),
            Option(
                "--favourites",
                "favourites",
                "the ideas the group marked as helping most",
                switch=True,
                apart="chosen",
            ),
            Option(
                "--strategy",
                "strategy_ids",
                "a strategy's id",
                metavar="ID",
                repeat=True,
                apart="chosen",
                read=_strategy_ids,
            ),
            large_print_option("body text 16 pt or more"),
            discreet_option('no "voices", "paranoia" or group name on it'),
            Option(
                "--show-meeting",
                "show_meeting",
                "on a discreet sheet, print the day, time and venue too (left out otherwise)",
                switch=True,
            ),
            Option(
                "--skip-unchecked",
                "skip_unchecked",
                "leave off support contacts nobody has checked yet (otherwise printing stops)",
                switch=True,
            ),
        ),
    ),
    HandoutKind(
        "agreement",
        "Group agreement",
        _agreement,
        needs_group=True,
        help="the group agreement",
        preview=_preview_agreement,
        options=(group_option(), large_print_option()),
    ),
    HandoutKind(
        "session-plan",
        "Session plan",
        _session_plan,
        needs_group=True,
        large_print=False,
        two_sided=False,
        help="the group's session plan, for facilitators",
        preview=_preview_plan,
        options=(group_option(),),
    ),
    HandoutKind(
        "diary",
        "Blank diary",
        _diary,
        uses_group=False,
        discreet=True,
        blank=True,
        stem=_diary_stem,
        help="a blank experience diary",
        preview=_preview_diary,
        choices=(
            Choice("diary-voices", "Blank diary: voices", "diary", {"diary": "voices"}),
            Choice(
                "diary-beliefs",
                "Blank diary: beliefs and paranoia",
                "diary",
                {"diary": "beliefs"},
            ),
        ),
        options=(
            Option("--variant", "diary", choices=("voices", "beliefs"), default="voices"),
            large_print_option(),
            discreet_option("nothing says what it is for"),
        ),
    ),
    HandoutKind(
        "rota",
        "Facilitator rota",
        _rota,
        large_print=False,
        two_sided=False,
        in_dialog=False,
        help="the facilitator rota as a compact landscape table",
        options=(
            group_option("one group (default: all)", required=False),
            Option(
                "--from",
                "since",
                "first date to print (default: today)",
                metavar="YYYY-MM-DD",
                read=_since,
            ),
            Option("--reasons", "reasons", "add why each pair was chosen", switch=True),
        ),
    ),
    HandoutKind(
        "member-record",
        "A member's own record",
        _member_record,
        uses_group=False,
        needs_member=True,
        stem=lambda request: "your-record",
        help="everything held about one member, for them",
        preview=_preview_record,
        options=(MEMBER, large_print_option()),
    ),
    HandoutKind(
        "team-sheet",
        "Facilitators' team sheet",
        _team_sheet,
        uses_group=False,
        large_print=False,
        two_sided=False,
        in_dialog=False,
        help="the facilitators' team sheet for supervision (names of facilitators only)",
    ),
    HandoutKind(
        "report",
        "What the groups did",
        _report,
        in_dialog=False,  # the Reports screen is its home
        two_sided=False,
        stem=lambda request: "voicesgroup-report",
        help="the evaluation of a period, for trustees and funders (also `voicesgroup report`)",
        outputs=("pdf", "csv", "txt", "html"),
        audit_action="report made",
        options=(
            group_option("one group (default: all groups)", required=False),
            Option(
                "--from",
                "since",
                "first day, YYYY-MM-DD",
                required=True,
                metavar="DATE",
                parse=_day,
            ),
            Option(
                "--to", "until", "last day, YYYY-MM-DD", required=True, metavar="DATE", parse=_day
            ),
            Option(
                "--compare-previous-year",
                "compare_previous_year",
                "put the same period a year before side by side",
                switch=True,
            ),
            large_print_option("PDF text 16 pt or more"),
        ),
    ),
)
"""The printouts the app comes with, in the order the dialog and `--help` list them."""
