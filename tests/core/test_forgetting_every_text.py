"""Forgetting leaves a member's name in no string of any record, wherever it was written.

The adversary for forgetting's redaction (`store.redaction`): a member of the demo data is
given a name the oracle can tell apart from every other word, and that name, written as
someone might (other case, full-width or mathematical letters, invisible characters, spelt
out, broken at a line end), is planted in one string of one record of any table: a theme, a
venue, a group's agreement, a support contact, the organisation's name, a supervision topic,
a reason on someone's path, a session plan's prompt. The member is forgotten with
`member forget`. Afterwards the name is in no file of the folder (the data file, its backups,
the note of who was forgotten) and in no output: the report in every format, and every
group's strategies sheet, agreement and session plan as text. What the forget list showed is
what was replaced.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from tests.helpers.demo_files import demo_bytes
from tests.helpers.files import strings_in
from tests.helpers.name_spellings import squashed, written
from voicesgroup.cli import main
from voicesgroup.names import may_be_words
from voicesgroup.store import Store, forgetting, redaction

NAMES = ["Quillonia", "Siobhán", "Kwame Mensah", "Yevgenia"]
DEMO_DAY = dt.date(2026, 3, 2)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every string of a record that may be words (not an id or a date), except the values
    of the app's codes (`redaction.CODES`: a category, a key, a printer), which a name
    would make unreadable or which are not anyone's words."""
    if isinstance(value, str):
        return [path] if may_be_words(value) else []
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in redaction.CODES or key.endswith(("_id", "_ids")):
                continue
            found += _places(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _places(item, (*path, i))
    return found


def _tables(document: dict[str, Any]) -> list[str]:
    return sorted(
        table
        for table, records in document.items()
        if table not in redaction.NOT_READ
        and isinstance(records, dict)
        and any(_places(record) for record in records.values())
    )


def _outputs(path: Path, folder: Path, groups: list[str]) -> list[str]:
    """The text of every output: the report as CSV, text and a web page, and each group's
    strategies sheet, agreement and session plan as text."""
    out = folder / "outputs"
    out.mkdir()
    made: list[Path] = []
    for form in ("csv", "txt", "html"):
        target = out / f"report.{form}"
        argv = ["--db", str(path), "report", "--from", "2025-01-01", "--to", "2026-03-01"]
        assert main([*argv, "--out", str(target)]) == 0
        made.append(target)
    for number, group in enumerate(groups):
        for handout, extra in (
            ("strategies", ["--skip-unchecked"]),
            ("agreement", []),
            ("session-plan", []),
        ):
            target = out / f"{handout}-{number}.txt"
            argv = ["--db", str(path), "print", handout, "--group", group, *extra]
            assert main([*argv, "--out", str(target)]) == 0, (handout, group)
            made.append(target)
    return [file.read_bytes().decode("utf-8-sig") for file in made]


def _readable(table: str, record: dict[str, Any]) -> bool:
    from pydantic import ValidationError

    from voicesgroup import models

    model: Any = {kind.TABLE: kind for kind in models.RECORD_TYPES}.get(table, models.Settings)
    try:
        model.model_validate(record)
    except ValidationError:
        return False
    return True


@settings(
    max_examples=20,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), name=st.sampled_from(NAMES))
def test_a_name_planted_in_any_string_of_any_record_is_nowhere_after_forgetting(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    data: st.DataObject,
    name: str,
) -> None:
    document = orjson.loads(demo_bytes(DEMO_DAY))
    wanted = squashed(name)
    assert not [t for t in strings_in(document) if wanted in squashed(t)]
    member = data.draw(st.sampled_from(sorted(document["members"].values(), key=str)))
    member["display_name"], member["former_names"] = name, []
    table = data.draw(st.sampled_from(_tables(document)), label="table")
    records = [record for record in document[table].values() if _places(record)]
    record = data.draw(st.sampled_from(records))
    places = [p for p in _places(record) if (table, p) != ("facilitators", ("display_name",))]
    assume(places)  # a facilitator's own name is theirs, though a member is called the same
    place = data.draw(st.sampled_from(places), label="place")
    form = data.draw(written(name, stored=True), label="written")
    planted = f"with {form}"
    assume(len(planted) <= redaction.MAX_NAME_LENGTH and wanted in squashed(planted))
    holder: Any = record
    for step in place[:-1]:
        holder = holder[step]
    holder[place[-1]] = planted
    folder = tmp_path_factory.mktemp("planted")
    path = folder / "voicesgroup.json"
    path.write_bytes(orjson.dumps(document))
    assume(_readable(table, record))  # a name where the record cannot take it: not this case
    with Store.open(path) as store:  # a backup that holds the name
        shown = forgetting.texts_naming(store, store.member(member["id"]))
        store.storage.save()
    own = table in ("notes", "contact_details", "consent_events") and (
        record.get("member_id") == member["id"]
    )
    assert len(shown) == (0 if own else 1), (table, place, shown)
    argv = ["--db", str(path), "member", "forget", "--member", name, "--yes"]
    assert main(argv) == 0, capsys.readouterr().err
    with Store.open(path, readonly=True) as reader:
        groups = [group.name for group in reader.groups()]
    outputs = _outputs(path, folder, groups)
    capsys.readouterr()
    files = [p for p in folder.rglob("*") if p.is_file() and "outputs" not in p.parts]
    assert len(files) > 2  # the data file, its backups and the note of who was forgotten
    for file in files:
        raw = file.read_bytes()
        try:
            texts = strings_in(json.loads(raw))
        except ValueError:
            texts = [raw.decode("utf-8", "replace")]
        assert not [t for t in texts if wanted in squashed(t)], (file.name, table, place)
    for output in outputs:
        assert wanted not in squashed(output), (table, place, output[:300])


def test_the_organisation_a_contact_and_a_strategy_naming_a_member_are_listed_then_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The outside tester's cases: "Kit's Collective", "Kit's peer line" and "Hum a tune like
    Kit does" are listed before forgetting Kit, then read "another member", on every sheet."""
    from voicesgroup.models import CopingStrategy, SupportContact

    path = tmp_path / "voicesgroup.json"
    path.write_bytes(demo_bytes(DEMO_DAY))
    with Store.open(path) as store:
        settings = store.settings()
        store.save_settings(settings.model_copy(update={"organisation": "Kit's Collective"}))
        store.save_support_contact(
            SupportContact(name="Kit's peer line", how="0800 000 0000", local=True)
        )
        store.save_strategy(CopingStrategy(title="Hum a tune like Kit does", category="grounding"))
        group = store.groups()[0].name
    assert main(["--db", str(path), "member", "forget", "--member", "Kit"]) != 0  # it asks
    listed = capsys.readouterr()
    said = listed.out + listed.err
    for where in ("the organisation's name", "a support contact", "a strategy"):
        assert where in said, said
    assert main(["--db", str(path), "member", "forget", "--member", "Kit", "--yes"]) == 0
    capsys.readouterr()
    sheet = tmp_path / "sheet.txt"
    argv = ["--db", str(path), "print", "strategies", "--group", group, "--skip-unchecked"]
    assert main([*argv, "--out", str(sheet)]) == 0
    printed = sheet.read_text()
    assert "Kit" not in printed and "Another member's Collective" in printed
    with Store.open(path, readonly=True) as store:
        assert store.settings().organisation == "Another member's Collective"
        assert "Another member's peer line" in [c.name for c in store.support_contacts()]
    for file in [p for p in tmp_path.rglob("*") if p.is_file() and p != sheet]:
        assert b"Kit's" not in file.read_bytes(), file.name
