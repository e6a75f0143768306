"""A table the opening left unread (`voicesgroup/store/checked.py`) that turns out damaged when
first read ends the app with the one sentence naming the file, as a damaged record found at
opening does, never a traceback."""

from __future__ import annotations

import zlib
from pathlib import Path

import orjson
import pytest

from screens.app import VoicesGroupApp
from voicesgroup.store.owned import checked_file
from voicesgroup.store.storage import parse_with_spans

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "schema_v1.json"


async def test_a_damaged_unread_table_is_the_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = orjson.loads(FIXTURE.read_bytes())
    record = next(iter(data["sessions"].values()), None)
    assert record is not None, "the fixture has a session to damage"
    record.pop("id")
    blob = orjson.dumps(data)
    path = tmp_path / "voicesgroup.json"
    path.write_bytes(blob)
    _, spans = parse_with_spans(blob)
    assert spans is not None
    note = {
        "format": 1,
        "crc32": zlib.crc32(blob),
        "size": len(blob),
        "tables": [[name, *where] for name, where in spans.items()],
    }
    checked_file(path).write_bytes(orjson.dumps(note))  # a note wrong by hand (or a collision)
    capsys.readouterr()
    app = VoicesGroupApp(path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
    except Exception:  # the app may end by raising; what it says is the test
        pass
    out, err = capsys.readouterr()
    ending = " ".join(f"{out} {err} {app.startup_error or ''}".split())
    assert "cannot be read" in ending, ending
    assert str(path).replace(" ", "") in ending.replace(" ", ""), ending
    assert "unexpected" not in ending and "Traceback" not in ending, ending
