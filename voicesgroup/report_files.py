"""Writing the evaluation to a file (PDF, tidy CSV, plain text or web page) and noting it in
the audit log.

The report's bytes in each form (`report_bytes`, what `printing.KINDS["report"]` draws for
`voicesgroup report` and `voicesgroup print report`) and the Reports screen's file: written
atomically (never half a file, nothing overwritten by a failure), never over the data file, its
lock or its backups, and only once it is on disk is the report noted in the audit log — what
was made and for which period, never a figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from voicesgroup.errors import VoicesGroupError

if TYPE_CHECKING:
    from voicesgroup.evaluation import Report
    from voicesgroup.store import Store

Format = Literal["pdf", "csv", "txt", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "csv", "txt", "html")


class FormatError(VoicesGroupError, ValueError):
    """A file name and a format that disagree, or a format the report does not come in."""


def format_for(
    path: Path,
    given: str | None = None,
    *,
    default: Format | None = None,
    choose: str = "give --format",
    follow: str = "leave the format out",
) -> Format:
    """The format of the printout written to `path`: the one `given`, or else the file name's
    ending, or else `default` (a report has none: its name must say). A name ending in another
    format's letters is refused rather than written wrongly (a PDF named `.csv` opens as
    nonsense). Every printout's file is named by this one rule, for the commands and the
    Reports screen; each says in `choose` how a format is asked for and in `follow` how the
    name is left to decide, so the sentence names what the person can do where they are."""
    ending = path.suffix.lower().lstrip(".")
    if given is not None and given not in FORMATS:
        raise FormatError(f"A report comes as {' or '.join(FORMATS)}, not {given}")
    if given is not None:
        if ending in FORMATS and ending != given:
            raise FormatError(
                f"The file name {path.name} ends in .{ending} but the format asked for is {given}: "
                f"name the file .{given}, or {follow}"
            )
        return given
    if ending not in FORMATS and default is not None:
        return default
    if ending not in FORMATS:
        raise FormatError(
            f"The format cannot be told from {path.name}: end the name in "
            f"{' or '.join('.' + f for f in FORMATS)}, or {choose}"
        )
    return ending


def report_bytes(
    store: Store, report: Report, fmt: Format, *, large_print: bool = False, paper: str = "a4"
) -> bytes:
    """The report as the bytes of a PDF or of a CSV file. Its text is checked for members'
    names before it is drawn (`evaluation.check_report_names`, for every form), and the bytes
    are read back before they are returned: no member's name in it, by the report's policy
    (`names.Purpose.REPORT`), in either form."""
    from voicesgroup.evaluation import check_report_names
    from voicesgroup.read_back import check_read_back

    # Names as stored: no need to build a model for each of hundreds of members.
    member_names = [doc["display_name"] for doc in store.documents("members")]
    facilitator_names = [doc["display_name"] for doc in store.documents("facilitators")]
    organisation = store.settings().organisation
    check_report_names(report, member_names, facilitator_names, organisation)
    if fmt == "csv":
        from voicesgroup.report_csv import csv_bytes

        data = csv_bytes(report)
    elif fmt in ("txt", "html"):
        from voicesgroup.report_text import report_html, report_text

        made = (
            report_text(report, organisation) if fmt == "txt" else report_html(report, organisation)
        )
        data = made.encode("utf-8")
    else:
        from voicesgroup.report_pdf import report_pdf

        data = report_pdf(
            report,
            member_names=member_names,
            facilitator_names=facilitator_names,
            organisation=organisation,
            large_print=large_print,
            paper=paper,
        )
    from voicesgroup.names import Purpose
    from voicesgroup.normalise import fold

    facilitators = {fold(name) for name in facilitator_names}
    check_read_back(
        data,
        fmt,
        kind="report",
        checked=(),  # a report has nobody to ask: any name it shows is refused
        members=[name for name in member_names if fold(name) not in facilitators],
        purpose=Purpose.REPORT,
        allow=[name for name in facilitator_names if name],
    )
    return data


def audit_detail(report: Report, fmt: str, *, large_print: bool = False) -> str:
    """What the audit log says of a report made: its form and its period, never a figure."""
    scope = f"group {report.group_name}" if report.group_name else "all groups"
    compared = ", with the year before" if report.previous else ""
    return (
        f"evaluation {fmt.upper()}{' (large print)' if large_print and fmt == 'pdf' else ''}"
        f" for {scope}, {report.current.period.describe()}{compared}"
    )
