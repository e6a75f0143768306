"""The room's printers, through the system's printing (CUPS: `lp` and `lpstat`).

A handout goes to a printer as bytes on `lp`'s standard input: nothing is written to the
person's folders, so a member's own record printed for them leaves no file behind. Every
problem is one plain sentence (`PrinterProblem`) that says nothing was lost and what to do.

`list_printers` and `system_printing` say what there is; `send` hands the bytes over and
returns the `Job`; `job_progress` says where the job is, for a screen that follows it.
`chosen_printer` and `remember_printer` keep the printer chosen last (the settings).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from voicesgroup.errors import VoicesGroupError

if TYPE_CHECKING:
    from voicesgroup.store import Store

LP = "lp"
LPSTAT = "lpstat"
COMMAND_SECONDS = 30
"""How long one call to the printing system may take before it counts as not answering."""
DEFAULT = "default"
"""What a person types for the printing system's own default printer."""

NO_PRINTING = (
    "This computer has no printing system (CUPS) running, so nothing can go to a printer "
    "from here: save the PDF and print it from another program."
)
KEEP = "nothing was lost, try again or save the PDF"

_UNREACHABLE = "is switched off or not connected"
_REASONS = {
    "media-empty": "is out of paper",
    "media-needed": "is out of paper",
    "media-jam": "has a paper jam",
    "toner-empty": "is out of toner",
    "marker-supply-empty": "is out of ink or toner",
    "door-open": "has a door open",
    "cover-open": "has its cover open",
    "offline": _UNREACHABLE,
    "connecting-to-device": "cannot be reached",
    "shutdown": _UNREACHABLE,
}
"""A printer's state reasons (IPP keywords, without -error/-warning) in plain words."""


class PrinterProblem(VoicesGroupError):
    """A handout did not reach the printer, or the printer stopped: one sentence saying
    what happened, that nothing was lost, and what to do."""


@dataclass(frozen=True)
class Printer:
    """One printer the system knows."""

    name: str
    """The queue's name, as `lp -d` takes it."""
    description: str = ""
    is_default: bool = False
    stopped: bool = False
    why_stopped: str = ""
    alerts: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The printer as people in the room know it: its description, else its name."""
        return self.description or self.name

    def problem(self) -> str:
        """One sentence for what stops this printer now, or "" when it is ready."""
        state = self.state
        if state == "ready":
            return ""
        if self.stopped and state.startswith("stopped"):
            return (
                f"{self.label} is {state}: nothing was lost; start it again in the system's "
                "printer settings, choose another printer, or save the PDF."
            )
        return f"{self.label} {state}: {KEEP}."

    @property
    def state(self) -> str:
        """The printer's state in a few plain words: "ready", "is out of paper"…"""
        for alert in self.alerts:
            words = _REASONS.get(re.sub(r"-(error|warning|report)$", "", alert))
            if words and not alert.endswith("-warning"):
                return words
        if self.stopped:
            return f"stopped ({self.why_stopped})" if self.why_stopped else "stopped"
        return "ready"


@dataclass(frozen=True)
class Job:
    """A handout the printing system took."""

    id: str
    printer: Printer
    copies: int = 1


Progress = Literal["waiting", "printing", "done", "problem"]


def _run(args: list[str], data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run a printing-system command in plain English (its words are read, not shown)."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        return subprocess.run(
            args, input=data, capture_output=True, env=env, timeout=COMMAND_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise PrinterProblem(
            f"The printing system did not answer within {COMMAND_SECONDS} seconds: {KEEP}."
        ) from None
    except OSError:
        raise PrinterProblem(NO_PRINTING) from None


def _said(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8", "replace")


def system_printing() -> bool:
    """Whether this computer has a printing system that is running."""
    if shutil.which(LP) is None or shutil.which(LPSTAT) is None:
        return False
    try:
        result = _run([LPSTAT, "-r"])
    except PrinterProblem:
        return False
    return "is running" in _said(result) and "not running" not in _said(result)


def list_printers() -> list[Printer]:
    """Every printer the system knows, the system's default first; `PrinterProblem` when
    there is no printing system. One call to `lpstat`."""
    if shutil.which(LP) is None or shutil.which(LPSTAT) is None:
        raise PrinterProblem(NO_PRINTING)
    result = _run([LPSTAT, "-d", "-l", "-p"])
    text = _said(result)
    if result.returncode != 0 and "not running" in result.stderr.decode("utf-8", "replace"):
        raise PrinterProblem(NO_PRINTING)
    default_match = re.search(r"system default destination: (\S+)", text, re.IGNORECASE)
    default = default_match.group(1) if default_match else ""
    printers = [_with_default(printer, default) for printer in parse_printers(text)]
    return sorted(printers, key=lambda printer: (not printer.is_default, printer.label.casefold()))


def _with_default(printer: Printer, default: str) -> Printer:
    if printer.name != default:
        return printer
    return Printer(
        printer.name,
        printer.description,
        True,
        printer.stopped,
        printer.why_stopped,
        printer.alerts,
    )


def parse_printers(text: str) -> list[Printer]:
    """The printers in `lpstat -l -p`'s words (with LC_ALL=C)."""
    printers: list[Printer] = []
    for block in re.split(r"^(?=printer )", text, flags=re.MULTILINE):
        head = re.match(r"printer (\S+) (is|now printing|disabled)", block)
        if head is None:
            continue
        lines = block.splitlines()
        description = _field(lines, "Description")
        alerts = tuple(
            word for word in re.split(r"[\s,]+", _field(lines, "Alerts")) if word and word != "none"
        )
        stopped = head.group(2) == "disabled"
        why = lines[1].strip() if stopped and len(lines) > 1 and ":" not in lines[1] else ""
        printers.append(Printer(head.group(1), description, False, stopped, why, alerts))
    return printers


def _field(lines: list[str], name: str) -> str:
    for line in lines:
        key, colon, value = line.strip().partition(":")
        if colon and key == name:
            return value.strip()
    return ""


def find_printer(name: str) -> Printer:
    """The printer called `name` (or the system's default for "default"), as it is now."""
    printers = list_printers()
    if not printers:
        raise PrinterProblem(
            "This computer knows no printer yet: add one in the system's printer settings, "
            "or save the PDF."
        )
    if name == DEFAULT:
        for printer in printers:
            if printer.is_default:
                return printer
        if len(printers) == 1:
            return printers[0]
        raise PrinterProblem(
            "The system has no default printer: choose one by name "
            f"({', '.join(p.name for p in printers)}). Nothing was printed."
        )
    for printer in printers:
        if name in (printer.name, printer.description):
            return printer
    for printer in printers:
        if name.casefold() in (printer.name.casefold(), printer.description.casefold()):
            return printer
    raise PrinterProblem(
        f"There is no printer called {name!r} (there are: "
        f"{', '.join(p.name for p in printers)}): nothing was printed or lost."
    )


def send(
    data: bytes,
    printer: Printer,
    *,
    title: str,
    copies: int = 1,
    two_sided: bool = False,
    just_checked: bool = False,
) -> Job:
    """Hand `data` (a PDF) to `printer` on standard input and return the job.

    Nothing is written anywhere by this app. `title` is the job's name in the printer's
    queue: pass a file name that gives nothing away (`printing.file_name`). A printer that is
    stopped, out of paper or missing is refused before anything is sent (`just_checked`: the
    caller found `printer` ready a moment ago, so it is not asked again).
    """
    if not 1 <= copies <= 99:
        raise PrinterProblem("Copies must be a number from 1 to 99: nothing was printed.")
    current = printer if just_checked else find_printer(printer.name)
    problem = current.problem()
    if problem:
        raise PrinterProblem(problem)
    command = [LP, "-d", current.name, "-n", str(copies), "-t", title]
    command += ["-o", "sides=two-sided-long-edge" if two_sided else "sides=one-sided", "-"]
    result = _run(command, data)
    said = _said(result)
    match = re.search(r"request id is (\S+)", said)
    if result.returncode != 0 or match is None:
        why = result.stderr.decode("utf-8", "replace").strip().removeprefix("lp: ")
        why = why.removeprefix("Error - ").rstrip(".") or f"lp ended with code {result.returncode}"
        raise PrinterProblem(did_not_take_it(current, why))
    return Job(match.group(1), current, copies)


def did_not_take_it(printer: Printer, why: str) -> str:
    """The sentence for a printer that refused a handout, and why."""
    return f"{printer.label} did not take it ({why}): {KEEP}."


def job_progress(job: Job) -> tuple[Progress, str]:
    """Where `job` is now, and that in plain words."""
    waiting = _said(_run([LPSTAT, "-l", "-o", job.printer.name]))
    block = _job_block(waiting, job.id)
    if block is None:
        return "done", f"Sent to {job.printer.label}."
    try:
        printer = find_printer(job.printer.name)
    except PrinterProblem as error:
        return "problem", str(error)
    problem = printer.problem()
    if problem:
        return "problem", problem
    if "job-completed-with-errors" in block or "Filter failed" in block:
        return "problem", f"{printer.label} could not print it: {KEEP}."
    if re.search(rf"now printing {re.escape(job.id)}\b", _said(_run([LPSTAT, "-p", printer.name]))):
        return "printing", f"Printing on {printer.label}…"
    return "waiting", f"Waiting for {printer.label}…"


def _job_block(text: str, job_id: str) -> str | None:
    for block in re.split(r"^(?=\S)", text, flags=re.MULTILINE):
        if block.split(maxsplit=1)[:1] == [job_id]:
            return block
    return None


def chosen_printer(store: Store) -> str:
    """The printer chosen last ("" until one was), else the system's default is used."""
    return store.settings().printer


def remember_printer(store: Store, name: str) -> None:
    """Remember `name` as the printer to offer first from now on."""
    settings = store.settings()
    if settings.printer != name:
        store.save_settings(settings.model_copy(update={"printer": name}))
