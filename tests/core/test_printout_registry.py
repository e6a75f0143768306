"""One route to every printout: each kind in `printing.KINDS` is made, named, read back,
refused and audited the same way, and a kind added to the registry needs nothing more."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.cli import run
from tests.helpers.clock import TODAY
from tests.helpers.demo_files import DEMO_TODAY
from tests.helpers.new_printout import KEY, WORDS, add_kindness_card
from tests.helpers.pdf import pdf_text
from voicesgroup import printing, read_back
from voicesgroup.errors import NameInHandout
from voicesgroup.handouts import layer
from voicesgroup.printing import KINDS, Output, PrintRequest
from voicesgroup.store import Store

SAMPLES = {
    "group": "Tuesday Voices",
    "member": "Aisha",
    "since": "2024-03-01",
    "until": "2025-03-10",
}
"""What the command-line tests give an option a kind requires, by the field it fills."""
FIELDS = {item.name for item in dataclasses.fields(PrintRequest)}


def suitable(store: Store, key: str, output: Output = "pdf") -> PrintRequest:
    """A request every kind can be made from on the demo data."""
    kind = KINDS[key]
    return PrintRequest(
        key,
        group=store.find_group("Tuesday Voices") if kind.needs_group else None,
        member=store.find_member("Aisha") if kind.needs_member else None,
        skip_unchecked=True,
        since=dt.date(2024, 3, 1),
        until=dt.date(2025, 3, 10),
        output=output,
        today=TODAY,
    )


@pytest.fixture
def read_backs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """Every read-back the handouts' layer makes, as (format, bytes read)."""
    seen: list[tuple[str, bytes]] = []
    real = read_back.check_read_back

    def spy(data: bytes, fmt: Any, **kwargs: Any) -> str:
        seen.append((fmt, data))
        return real(data, fmt, **kwargs)

    monkeypatch.setattr(layer, "check_read_back", spy)  # the handouts' layer
    monkeypatch.setattr(read_back, "check_read_back", spy)  # the report's file
    return seen


@pytest.mark.parametrize(
    ("key", "output"), [(key, output) for key in KINDS for output in KINDS[key].outputs]
)
def test_every_kind_is_read_back_as_made(demo_path, read_backs, key, output):
    with Store.open(demo_path) as store:
        printed = printing.make(store, suitable(store, key, output))
    assert read_backs == [(output, printed.data)], "the bytes handed out were not read back"
    assert printed.file_name == printing.file_name(suitable(store, key, output))


@pytest.mark.parametrize("key", list(KINDS))
def test_every_kind_refuses_a_member_name_the_renderer_brings_out(demo_path, monkeypatch, key):
    """The second wall stands on every route: a renderer that shows a member's name (here,
    one added to the PDF's text as drawn) is refused before anything leaves."""
    from voicesgroup.handouts import _render
    from voicesgroup.handouts.layout import Layout

    real, laid_out = _render.render, Layout.build

    def shows_a_name(sheet: layer.Handout) -> bytes:
        shown = [*sheet.blocks, ("para", (layer.Run("Ai" + "sha came"),), "body")]
        return real(dataclasses.replace(sheet, blocks=shown))

    def also_shows_a_name(page: Layout, story: list[Any], **kwargs: Any) -> bytes:
        return laid_out(page, [*story, page.para("Ai" + "sha came")], **kwargs)

    monkeypatch.setattr(_render, "render", shows_a_name)  # every Handout
    monkeypatch.setattr(Layout, "build", also_shows_a_name)  # the report
    with Store.open(demo_path) as store:
        request = suitable(store, key)
        if KINDS[key].needs_member:  # her own record may carry her name: use another's
            request = dataclasses.replace(request, member=store.find_member("Ben"))
        with pytest.raises(NameInHandout, match="Aisha"):
            printing.make(store, request)


@pytest.mark.parametrize("key", list(KINDS))
def test_every_kind_on_the_command_line_never_writes_over_the_data_file(capsys, demo_path, key):
    args = ["--db", str(demo_path), "print", key]
    for option in KINDS[key].options:
        if option.required:
            assert option.field in SAMPLES, f"give SAMPLES a value for {option.flag}"
            args += [option.flag, SAMPLES[option.field]]
    before = demo_path.read_bytes()
    code, _, err = run(capsys, *args, "--out", str(demo_path), "--force")
    assert code != 0 and "Nothing was written" in err and "Traceback" not in err
    assert demo_path.read_bytes() == before


def test_each_entry_says_each_thing_once():
    """What a kind allows and the options it offers agree, and every option fills a field of
    the request: an entry cannot offer large print it does not allow, or the reverse."""
    for kind in KINDS.values():
        flags = {option.flag: option for option in kind.options}
        assert ("--large-print" in flags) == kind.large_print, kind.key
        assert ("--discreet" in flags) == kind.discreet, kind.key
        assert ("--member" in flags) == kind.needs_member, kind.key
        if kind.needs_group:
            assert flags["--group"].required, kind.key
        assert ("--group" in flags) == kind.uses_group, kind.key
        for option in kind.options:
            assert option.field in FIELDS, (kind.key, option.flag)
        for choice in kind.dialog_choices():
            assert choice.kind == kind.key and set(choice.settings) <= FIELDS, choice


@settings(max_examples=60, deadline=None)
@given(
    key=st.sampled_from(list(KINDS)),
    discreet=st.booleans(),
    large_print=st.booleans(),
    diary=st.sampled_from(["voices", "beliefs"]),
    output=st.sampled_from(["pdf", "txt", "html", "csv"]),
)
def test_a_file_name_says_what_and_when_and_nothing_more(key, discreet, large_print, diary, output):
    kind = KINDS[key]
    request = PrintRequest(
        key,
        discreet=discreet and kind.discreet,
        large_print=large_print,
        diary=diary,
        output=output,
        today=TODAY,
    )
    name = printing.file_name(request)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*-2026-11-26\.(pdf|txt|html|csv)", name), name
    assert name.endswith(f".{output}")
    assert ("-large-print-" in name) == (large_print and kind.large_print)
    if request.discreet:  # nothing in the name says what a discreet sheet is for
        assert not re.search(r"voice|belief|paranoi|hearing|group|strateg", name), name


# -- the README's walk: a new kind is one entry ------------------------------------------------


def test_a_new_printout_is_one_entry_in_the_registry(capsys, demo_path, monkeypatch, read_backs):
    home = demo_path.parent / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    add_kindness_card(monkeypatch)

    # The command line offers it, with its own options and its help.
    code, _, err = run(capsys, "--db", str(demo_path), "print")
    assert code != 0 and KEY in err
    code, out, _ = run(capsys, "print", KEY, "--help")
    assert code == 0 and "a card with one kind sentence on it" in out and "--group" in out

    # It is made, written under its own file name, read back and audited.
    code, out, err = run(capsys, "--db", str(demo_path), "print", KEY, "--group", "Tuesday Voices")
    assert code == 0, err
    written = Path(out.split("Wrote ", 1)[1].strip())
    assert written.parent == home and written.name.startswith("kind-words-")
    shown = " ".join(pdf_text(written.read_bytes()).split())
    assert WORDS in shown and "From Tuesday Voices." in shown
    assert [fmt for fmt, _ in read_backs] == ["pdf"]
    with Store.open(demo_path, readonly=True) as store:
        assert store.audit_log()[-1].detail == "kindness card"

    # A member's name on it is refused like on every handout, and nothing is written.
    with Store.open(demo_path) as store:
        group = store.find_group("Tuesday Voices")
        renamed = group.model_copy(update={"name": "Aisha's group"})
        with pytest.raises(NameInHandout):
            printing.make(store, PrintRequest(KEY, group=renamed, today=TODAY))
        preview = printing.describe(store, PrintRequest(KEY, group=group), "Kindness card")
    assert preview.text == ("Kindness card for Tuesday Voices, A4\nOne sentence to keep: " + WORDS)


def test_the_format_follows_the_file_name_unless_told(capsys, demo_path, tmp_path):
    """One rule names every printout's file (`report_files.format_for`): the name's ending
    says the format, a name and a format that disagree are refused, and a kind that does not
    come in a format says so; nothing is written then."""
    agreement = ["--db", str(demo_path), "print", "agreement", "--group", "Tuesday Voices"]
    assert (
        run(capsys, "--db", str(demo_path), "print", "diary", "--out", str(tmp_path / "d.txt"))[0]
        == 0
    )
    assert not (tmp_path / "d.txt").read_bytes().startswith(b"%PDF")
    assert run(capsys, *agreement, "--out", str(tmp_path / "a.html"))[0] == 0
    assert (tmp_path / "a.html").read_text().startswith("<!DOCTYPE html>")
    assert run(capsys, *agreement, "--out", str(tmp_path / "plain"))[0] == 0
    assert (tmp_path / "plain").read_bytes().startswith(b"%PDF")
    for ending, flags, said in [
        ("x.pdf", ["--format", "txt"], "ends in .pdf but the format asked for is txt"),
        ("x.csv", [], "comes as pdf, txt or html, not csv"),
    ]:
        code, _, err = run(capsys, *agreement, "--out", str(tmp_path / ending), *flags)
        assert code == 1 and said in err and "Traceback" not in err
        assert not (tmp_path / ending).exists()


@pytest.mark.parametrize(
    ("key", "output"), [(key, output) for key in KINDS for output in KINDS[key].outputs]
)
def test_every_kind_in_every_format_is_noted_in_the_audit_log(
    capsys, demo_path, tmp_path, key, output
):
    """One path for every printout from the command line, blank ones too: the file is
    written, then `audit` shows one more line of the kind's own action."""
    args = ["--db", str(demo_path), "print", key, "--format", output]
    for option in KINDS[key].options:
        if option.required:
            args += [option.flag, SAMPLES[option.field]]
    if key == "strategies":
        args.append("--skip-unchecked")
    if key == "rota":  # the demo's rota is planned from the demo's day
        args += ["--from", DEMO_TODAY.isoformat()]
    action = KINDS[key].audit_action
    code, before, _ = run(capsys, "--db", str(demo_path), "audit")
    assert code == 0
    code, _, err = run(capsys, *args, "--out", str(tmp_path / f"out.{output}"))
    assert code == 0, err
    code, after, _ = run(capsys, "--db", str(demo_path), "audit")
    assert code == 0
    assert after.count(f"{action}:") == before.count(f"{action}:") + 1, after[-400:]
