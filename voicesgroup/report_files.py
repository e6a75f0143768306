"""Writing the evaluation to a file (PDF or tidy CSV) and noting it in the audit log.

One place for the `voicesgroup report` command and the Reports screen: the file is written
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

Format = Literal["pdf", "csv"]


class ReportNotSaved(VoicesGroupError):
    """The report file could not be written; nothing was left behind."""


def report_bytes(store: Store, report: Report, fmt: Format, *, large_print: bool = False) -> bytes:
    """The report as the bytes of a PDF or of a CSV file."""
    if fmt == "csv":
        from voicesgroup.evaluation import csv_text

        return csv_text(report).encode("utf-8")
    from voicesgroup.report_pdf import report_pdf

    return report_pdf(
        report,
        # Names as stored: no need to build a model for each of hundreds of members.
        member_names=[doc["display_name"] for doc in store.documents("members")],
        facilitator_names=[doc["display_name"] for doc in store.documents("facilitators")],
        organisation=store.settings().organisation,
        large_print=large_print,
    )


def write_report(
    store: Store, report: Report, out: Path, fmt: Format, *, large_print: bool = False
) -> Path:
    """Make the report, write it to `out` and note it in the audit log; returns the path."""
    out = Path(out).expanduser()
    _refuse_data_paths(store.path, out)
    blob = report_bytes(store, report, fmt, large_print=large_print)
    from voicesgroup.storage import write_atomically

    try:
        write_atomically(out, blob)
    except OSError as error:
        raise ReportNotSaved(
            f"The report could not be saved as {out}: {error.strerror or error}. Nothing was saved."
        ) from None
    scope = f"group {report.group_name}" if report.group_name else "all groups"
    compared = ", with the year before" if report.previous else ""
    store.audit(
        "report made",
        f"evaluation {fmt.upper()}{' (large print)' if large_print and fmt == 'pdf' else ''}"
        f" for {scope}, {report.current.period.describe()}{compared}",
    )
    return out


def _refuse_data_paths(data: Path, out: Path) -> None:
    resolved = out.resolve()
    data = data.resolve()
    protected = {data, data.with_name(f"{data.name}.lock")}
    backups = data.with_name(f"{data.name}.backups")
    if resolved in protected or resolved.parent == backups or resolved == backups:
        raise ReportNotSaved(
            f"{out} is the data file, its lock or one of its backups: choose another file name. "
            "Nothing was saved."
        )
    if resolved.is_dir():
        raise ReportNotSaved(f"{out} is a folder: give a file name. Nothing was saved.")
