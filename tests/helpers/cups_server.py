"""A real printing system for the tests: its own CUPS server with a virtual PDF printer.

`CupsServer.start()` runs `cupsd -f` on its own configuration under a temporary folder (a
socket there, its own spool, state, cache and log, a temporary folder the `lp` user can
write). `add_printer` adds a cups-pdf printer (`lpadmin -v cups-pdf:/`): a job it prints
lands as a PDF in the submitting user's ~/PDF, named after the job's title and number,
where `received` reads it back. Tests point `CUPS_SERVER` at `socket`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.waits import until

PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
WAIT_SECONDS = 60.0  # a loaded machine: give the server and a job time, not a limit

CUPSD_CONF = """Listen {root}/cups.sock
LogLevel warn
WebInterface No
Browsing No
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""

FILES_CONF = """SystemGroup root
ServerRoot {root}
RequestRoot {root}/spool
StateDir {root}/state
CacheDir {root}/cache
TempDir {root}/tmp
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
"""


def missing() -> str | None:
    """Why a real CUPS server cannot run here, or None when it can."""
    if shutil.which("cupsd") is None or shutil.which("lpadmin") is None:
        return "cupsd (cups, cups-client) is not installed"
    if not PPD.exists() or not BACKEND.exists():
        return "cupsd's virtual printer (printer-driver-cups-pdf) is not installed"
    if os.geteuid() != 0:
        return "cupsd needs root here to run the cups-pdf printer"
    return None


class CupsServer:
    """One private CUPS server, started once and stopped at the end."""

    def __init__(self) -> None:
        # Not under pytest's own temporary folder: the `lp` user must reach TempDir.
        self.root = Path(tempfile.mkdtemp(prefix="vg-cups-"))
        self.root.chmod(0o755)
        self.socket = str(self.root / "cups.sock")
        self.process: subprocess.Popen[bytes] | None = None
        self.first_job = 1000 * (os.getpid() % 1_000_000) + 1

    @staticmethod
    def received_folder() -> Path:
        """Where cups-pdf puts what it prints: the submitting user's ~/PDF (by the password
        file, not $HOME)."""
        return Path(pwd.getpwuid(os.getuid()).pw_dir) / "PDF"

    def clear_received(self) -> None:
        """Remove whatever this server's jobs left in `received_folder`."""
        prefix = str(self.first_job // 1000)
        for path in self.received_folder().glob(f"*-job_{prefix}[0-9][0-9][0-9].pdf"):
            path.unlink(missing_ok=True)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": self.socket, "LC_ALL": "C"}

    def start(self) -> None:
        for folder in ("spool", "state", "cache", "log", "tmp"):
            (self.root / folder).mkdir()
        (self.root / "tmp").chmod(0o1777)
        shutil.chown(self.root / "spool", "root", "lp")
        (self.root / "spool").chmod(0o710)
        # Jobs of every test process land in one folder named by job number: each server
        # numbers its jobs from its own start, so no two processes make the same name.
        (self.root / "cache" / "job.cache").write_text(
            f"# Job cache file for CUPS v2.4\nNextJobId {self.first_job}\n"
        )
        (self.root / "cupsd.conf").write_text(CUPSD_CONF.format(root=self.root))
        (self.root / "cups-files.conf").write_text(FILES_CONF.format(root=self.root))
        self.process = subprocess.Popen(
            [
                "cupsd",
                "-f",
                "-c",
                str(self.root / "cupsd.conf"),
                "-s",
                str(self.root / "cups-files.conf"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.until(lambda: "is running" in self.run("lpstat", "-r"), "the server to start")

    def stop(self) -> None:
        if self.process is not None:  # let the last jobs reach the printer first
            try:
                self.until(lambda: not self.run("lpstat", "-o").strip(), "the last jobs")
            except AssertionError:  # held by a stopped printer: they need not print
                self.run("cancel", "-a", "-x")
            self.process.terminate()
            self.process.wait(timeout=WAIT_SECONDS)
        self.clear_received()
        shutil.rmtree(self.root, ignore_errors=True)

    def run(self, *command: str) -> str:
        result = subprocess.run(command, capture_output=True, env=self.env, check=False)
        return result.stdout.decode() + result.stderr.decode()

    def until(self, ready: Callable[[], object], what: str) -> None:
        until(ready, what, within=WAIT_SECONDS)

    def add_printer(self, name: str, description: str = "", *, default: bool = False) -> None:
        command = ["lpadmin", "-p", name, "-E", "-v", "cups-pdf:/", "-P", str(PPD)]
        self.run(*command, *(["-D", description] if description else []))
        if default:
            self.run("lpadmin", "-d", name)

    def remove_printer(self, name: str) -> None:
        self.run("lpadmin", "-x", name)

    def stop_printer(self, name: str, reason: str) -> None:
        self.run("cupsdisable", "-r", reason, name)

    def reset(self) -> None:
        """No printers and no jobs: each test starts from a server with nothing set up."""
        self.run("cancel", "-a", "-x")
        for line in self.run("lpstat", "-e").split():
            self.remove_printer(line)

    def received(self, job_id: str) -> tuple[Path, bytes]:
        """The PDF the virtual printer made of job `job_id` (e.g. "Office-3"), removed once
        read so nothing is left in the printing user's folder."""
        number = job_id.rsplit("-", 1)[1]
        folder = self.received_folder()
        found: list[Path] = []

        def arrived() -> bool:
            found[:] = folder.glob(f"*-job_{number}.pdf")
            return bool(found)

        self.until(arrived, f"job {job_id} to arrive in {folder}")
        path = found[0]
        self.until(lambda: b"%%EOF" in path.read_bytes()[-64:], f"job {job_id} to be complete")
        data = path.read_bytes()
        path.unlink()
        return path, data


@pytest.fixture(scope="session")
def cups_session() -> object:
    why = missing()
    if why is not None:
        pytest.skip(why)
    server = CupsServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cups(cups_session: CupsServer, monkeypatch: pytest.MonkeyPatch) -> CupsServer:
    """A running CUPS server with "Office" (described "Office printer") as its default,
    which this process's printing commands talk to."""
    cups_session.reset()
    cups_session.add_printer("Office", "Office printer", default=True)
    monkeypatch.setenv("CUPS_SERVER", cups_session.socket)
    return cups_session
