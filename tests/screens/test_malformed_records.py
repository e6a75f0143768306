"""A member or consent record of the wrong shape ends the app with the one sentence naming
the file, whichever reader meets it first (the first paint reads the stored documents as they
are), never "something unexpected went wrong"."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from screens.app import VoicesGroupApp
from voicesgroup.models import ConsentEvent, Member

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "schema_v1.json"
FIELDS = {
    "members": (Member, ("display_name", "joined_on", "id")),
    "consent_events": (ConsentEvent, ("scope", "action", "on", "member_id", "method")),
}
INTEGERS = st.integers(min_value=-(2**63), max_value=2**64 - 1)
"""The integers a data file can hold (orjson writes no others)."""
VALUES = st.one_of(
    st.none(),
    INTEGERS,
    st.booleans(),
    st.lists(INTEGERS, max_size=2),
    st.dictionaries(st.text(max_size=3), INTEGERS, max_size=1),
    st.text(max_size=12),
)


async def ending_of(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What the app says as it ends: what Textual prints once the app has closed, or the
    sentence it ends with when the file is refused as it opens (`startup_error`)."""
    capsys.readouterr()
    app = VoicesGroupApp(path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("m")
            await pilot.pause()
    except Exception:  # the app may end by raising; what it says is the test
        pass
    out, err = capsys.readouterr()
    return " ".join(f"{out} {err} {app.startup_error or ''}".split())


@pytest.mark.slow
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(sorted(FIELDS)),
    pick=st.integers(min_value=0, max_value=4),
    value=VALUES,
)
async def test_a_malformed_record_is_the_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, pick: int, value: Any
) -> None:
    model, fields = FIELDS[table]
    field = fields[pick % len(fields)]
    data = orjson.loads(FIXTURE.read_bytes())
    record = data[table]["1"]
    record[field] = value
    try:
        model.model_validate(record)
    except ValidationError:
        pass
    else:
        assume(False)  # a value the model takes is no test of a malformed record
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "voicesgroup.json"
    path.write_bytes(orjson.dumps(data))
    ending = await ending_of(path, capsys)
    squeezed = ending.replace(" ", "")  # the terminal wraps the path where it likes
    assert "holds a record that cannot be read" in ending, ending
    assert str(path).replace(" ", "") in squeezed, ending
    assert "unexpected" not in ending
    shutil.rmtree(folder)
