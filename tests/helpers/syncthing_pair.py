"""Two real Syncthing instances on this machine sharing one folder, for the exchange tests.

`syncthing_pair(root)` starts two instances (Debian's `syncthing`, 1.19 or later), each in a
home of its own under `root`, reachable on 127.0.0.1 only: a listening port and a GUI port of
its own, the other device's address written in, global and local discovery, relays, NAT,
STUN, usage and crash reporting and upgrades all off. They share one folder, "vg-exchange",
between `root/a` and `root/b`, with no versioning, watched for changes and rescanned often.
The GUI carries an API key so a test can ask for a rescan (`/rest/db/scan`) or read the
connections. The context manager waits until the two are connected and always stops both, on
an error too, and leaves no process behind. `pair.wait_alike()` waits until both folders hold
the same files; `pair.apart()` keeps the two apart for a block (b stopped), as two laptops
away from each other.

Made with `syncthing generate --home=DIR --no-default-folder`, the device id from
`syncthing --home=DIR --device-id`, each `config.xml` edited, then
`syncthing serve --home=DIR --no-browser --no-restart`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import waits

FOLDER_ID = "vg-exchange"
WAIT_SECONDS = 120.0  # a loaded machine: room to start, connect and sync, not a limit on speed


def missing() -> str | None:
    """Why real Syncthing cannot run here, or None when it can."""
    if shutil.which("syncthing") is None:
        return "syncthing is not installed (Debian's package syncthing)"
    return None


def until(ready: Callable[[], object], what: str, seconds: float = WAIT_SECONDS) -> Any:
    """Poll `ready` until it returns something true, and return that; AssertionError naming
    `what` if it never does."""
    return waits.until(ready, what, within=seconds)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(home),  # nothing read from, or written to, the real home
        "STNODEFAULTFOLDER": "1",
        "STNOUPGRADE": "1",
        "STNORESTART": "1",
        "LC_ALL": "C",
    }


@dataclass
class Syncthing:
    """One instance: its home, the folder it shares, its ports, API key and device id."""

    name: str
    home: Path
    folder: Path
    listen_port: int = field(default_factory=free_port)
    gui_port: int = field(default_factory=free_port)
    api_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    device_id: str = ""
    process: subprocess.Popen[bytes] | None = None

    def generate(self) -> None:
        self.home.mkdir(parents=True)
        self.folder.mkdir(parents=True)
        (self.folder / ".stfolder").mkdir()  # the marker Syncthing wants in a shared folder
        env = _environment(self.home)
        subprocess.run(
            ["syncthing", "generate", f"--home={self.home}", "--no-default-folder"],
            check=True,
            capture_output=True,
            env=env,
        )
        self.device_id = subprocess.run(
            ["syncthing", f"--home={self.home}", "--device-id"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout.strip()

    def configure(self, other: Syncthing) -> None:
        """Write this instance's config.xml: 127.0.0.1 only, the other device, the folder."""
        path = self.home / "config.xml"
        tree = ET.parse(path)
        root = tree.getroot()
        options = _child(root, "options")
        for option, value in {
            "globalAnnounceEnabled": "false",
            "localAnnounceEnabled": "false",
            "relaysEnabled": "false",
            "natEnabled": "false",
            "stunKeepaliveStartS": "0",  # 0: no STUN
            "urAccepted": "-1",
            "crashReportingEnabled": "false",
            "autoUpgradeIntervalH": "0",
            "startBrowser": "false",
            "reconnectionIntervalS": "1",
            "minHomeDiskFree": "0",
        }.items():
            _child(options, option).text = value
        for address in options.findall("listenAddress"):
            options.remove(address)
        ET.SubElement(options, "listenAddress").text = f"tcp://127.0.0.1:{self.listen_port}"
        gui = _child(root, "gui")
        gui.set("tls", "false")
        _child(gui, "address").text = f"127.0.0.1:{self.gui_port}"
        _child(gui, "apikey").text = self.api_key

        device = ET.SubElement(root, "device", id=other.device_id, name=other.name)
        device.set("compression", "metadata")
        ET.SubElement(device, "address").text = f"tcp://127.0.0.1:{other.listen_port}"
        ET.SubElement(device, "paused").text = "false"
        ET.SubElement(device, "autoAcceptFolders").text = "false"

        # The folder: the defaults Syncthing generated, then what this share needs.
        defaults = _child(_child(root, "defaults"), "folder")
        folder = ET.fromstring(ET.tostring(defaults))
        folder.set("id", FOLDER_ID)
        folder.set("label", "voicesgroup exchange")
        folder.set("path", str(self.folder))
        folder.set("type", "sendreceive")
        folder.set("rescanIntervalS", "2")
        folder.set("fsWatcherEnabled", "true")
        folder.set("fsWatcherDelayS", "1")
        for old in folder.findall("device"):
            folder.remove(old)
        for device_id in (self.device_id, other.device_id):
            shared = ET.Element("device", id=device_id, introducedBy="")
            ET.SubElement(shared, "encryptionPassword")
            folder.insert(0, shared)
        versioning = _child(folder, "versioning")
        versioning.attrib.pop("type", None)  # no type: no versioning, nothing kept aside
        _child(folder, "minDiskFree").text = "0"
        root.append(folder)
        tree.write(path)

    def start(self) -> None:
        log = (self.home / "syncthing.log").open("wb")
        with log:
            self.process = subprocess.Popen(
                [
                    "syncthing",
                    "serve",
                    f"--home={self.home}",
                    "--no-browser",
                    "--no-restart",
                    "--no-upgrade",
                    f"--gui-address=127.0.0.1:{self.gui_port}",
                    f"--gui-apikey={self.api_key}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_environment(self.home),
                start_new_session=True,  # its own process group: stopped whole, never ours
            )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

    def log(self) -> str:
        path = self.home / "syncthing.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    # --- the REST API --------------------------------------------------------------------

    def api(self, method: str, path: str, body: object = None) -> Any:
        """Call Syncthing's REST API; the decoded JSON answer (None when there is none)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gui_port}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"X-API-Key": self.api_key, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
        return json.loads(text) if text.strip() else None

    def answering(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"syncthing {self.name} stopped:\n{self.log()}")
        try:
            return bool(self.api("GET", "/rest/system/ping"))
        except (OSError, urllib.error.URLError, ValueError):
            return False

    def connected_to(self, other: Syncthing) -> bool:
        connections = self.api("GET", "/rest/system/connections")["connections"]
        return bool(connections.get(other.device_id, {}).get("connected"))

    def scan(self) -> None:
        """Look at the folder now rather than when the watcher or the timer would."""
        self.api("POST", f"/rest/db/scan?folder={FOLDER_ID}")


def visible_files(folder: Path) -> dict[str, bytes]:
    """Each regular file in `folder` that is not hidden, by name, with its bytes."""
    found: dict[str, bytes] = {}
    for path in folder.iterdir():
        if not path.name.startswith(".") and path.is_file() and not path.is_symlink():
            try:
                found[path.name] = path.read_bytes()
            except FileNotFoundError:  # replaced while we looked: look again later
                continue
    return found


def _child(parent: ET.Element, tag: str) -> ET.Element:
    found = parent.find(tag)
    return found if found is not None else ET.SubElement(parent, tag)


@dataclass
class SyncthingPair:
    a: Syncthing
    b: Syncthing

    def wait_connected(self) -> None:
        until(lambda: self.a.answering() and self.b.answering(), "both instances to answer")
        until(
            lambda: self.a.connected_to(self.b) and self.b.connected_to(self.a),
            "the two instances to connect",
        )

    def wait_alike(self, what: str = "the two folders to hold the same files") -> None:
        """Ask both to look at their folders now, then wait until the two hold the same files
        with the same bytes (what a reader sees: hidden and temporary files left out)."""
        self.a.scan()
        self.b.scan()
        until(lambda: visible_files(self.a.folder) == visible_files(self.b.folder), what)

    @contextmanager
    def apart(self) -> Iterator[None]:
        """The two laptops apart for the block: b is stopped, then started and connected."""
        self.b.stop()
        try:
            yield
        finally:
            self.b.start()
        self.wait_connected()


@contextmanager
def syncthing_pair(root: Path, attempts: int = 3) -> Iterator[SyncthingPair]:
    """Two connected Syncthing instances sharing `root/a` and `root/b`; both stopped after.

    A port chosen free may be taken by another process before Syncthing binds it: then the
    pair is made again on other ports, up to `attempts` times.
    """
    for attempt in range(1, attempts + 1):
        a = Syncthing("laptop-a", root / f"home-a-{attempt}", root / "a")
        b = Syncthing("laptop-b", root / f"home-b-{attempt}", root / "b")
        with ExitStack() as stack:
            stack.callback(shutil.rmtree, a.folder, ignore_errors=True)
            stack.callback(shutil.rmtree, b.folder, ignore_errors=True)
            for device in (a, b):
                device.generate()
            a.configure(b)
            b.configure(a)
            for device in (a, b):
                stack.callback(device.stop)
                device.start()
            pair = SyncthingPair(a, b)
            try:
                pair.wait_connected()
            except AssertionError as error:
                logs = f"--- a:\n{a.log()}\n--- b:\n{b.log()}"
                if "address already in use" in logs and attempt < attempts:
                    continue
                raise AssertionError(f"{error}\n{logs}") from None
            yield pair  # then, whatever happened: both stopped, their folders removed
            return
