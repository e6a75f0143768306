"""The rota's guard attacked from outside: longer and stranger sequences than a coordinator
would make on purpose — days passing between changes, the turn of a year, monthly limits,
"rather not" requests, the women facilitator rule switched on and off, groups archived,
sessions held — and after each change the review finds no broken rule and every reason is
true of the rota as it stands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli import assert_one_clear_line, run
from tests.helpers.rota_changes import (
    NAMES,
    OPS,
    apply_change,
    broken,
    group,
    nth_person,
    nth_session,
    person,
    snapshot,
    stale_reasons,
    with_cover,
    world,
)
from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import Session, SessionStatus
from voicesgroup.paths import DB_ENV
from voicesgroup.rota import guard
from voicesgroup.rota import service as rota_service
from voicesgroup.rota.service import GenerateRequest
from voicesgroup.store import Store

YEAR_END = dt.date(2027, 12, 27)  # a Monday: four weeks from here cross into 2028

MORE_OPS = st.one_of(
    st.tuples(st.just("advance"), st.integers(0, 20), st.just(0), st.just(False)),
    st.tuples(st.just("limit"), st.integers(0, 4), st.integers(0, 4), st.booleans()),
    st.tuples(st.just("avoid"), st.integers(0, 4), st.integers(0, 4), st.booleans()),
    st.tuples(st.just("woman"), st.integers(0, 4), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("women_rule"), st.integers(0, 1), st.just(0), st.booleans()),
    st.tuples(st.just("archive"), st.integers(0, 1), st.just(0), st.booleans()),
    st.tuples(st.just("held"), st.integers(0, 30), st.just(0), st.booleans()),
    st.tuples(st.just("plan_from"), st.integers(-14, 40), st.integers(1, 5), st.booleans()),
)


def _save_person(store: Store, who, today: dt.date, leave_open: bool) -> None:
    with_cover(
        lambda covers: guard.save_facilitator(store, who, today=today, covers=covers), leave_open
    )


def _apply_more(store: Store, op: tuple[str, int, int, bool], today: dt.date) -> dt.date:
    """One more kind of change; returns the day it is afterwards."""
    kind, a, b, flag = op
    if kind == "advance":
        return today + dt.timedelta(days=a)
    if kind == "limit":
        who = nth_person(store, a).with_changes(max_per_month=None if b == 4 else b)
        _save_person(store, who, today, flag)
    elif kind == "avoid":
        one, other = nth_person(store, a), nth_person(store, b)
        if one.id != other.id:
            _save_person(store, one.with_changes(avoids=[*one.avoids, other.id]), today, flag)
    elif kind == "woman":
        who = nth_person(store, a).with_changes(is_woman=[True, False, None][b])
        _save_person(store, who, today, flag)
    elif kind in ("women_rule", "archive"):
        chosen = store.groups(include_archived=True)[a]
        field = "women_facilitator_rule" if kind == "women_rule" else "archived"
        guard.save_group(store, chosen.model_copy(update={field: flag}), today=today)
    elif kind == "held":
        item = nth_session(store, a)
        if item is not None and item.date <= today:
            people = [fid for fid in (item.lead_id, item.co_id) if fid is not None]
            store.save_session(
                Session(
                    group_id=item.group_id,
                    date=item.date,
                    status=SessionStatus.ENDED,
                    facilitator_ids=people[:1] if flag else people,
                )
            )
    elif kind == "plan_from":
        start = today + dt.timedelta(days=a)
        request = GenerateRequest(None, start, b)
        rota_service.generate_rota(store, request, publish=flag, today=today)
    return today


def _apply_any(store: Store, op: tuple[str, int, int, bool], today: dt.date) -> dt.date:
    if op[0] in {"advance", "limit", "avoid", "woman", "women_rule", "archive", "held"} | {
        "plan_from"
    }:
        return _apply_more(store, op, today)
    if op[0] == "plan" and op[1] < 2 and op[1] >= len(store.groups()):
        op = ("plan", 2, op[2], op[3])  # that group is archived: plan every group
    _apply_at(store, op, today)
    return today


def _apply_at(store: Store, op: tuple[str, int, int, bool], today: dt.date) -> None:
    """The guard test's own changes, made as if today were `today`."""
    apply_change(store, op, today)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    start=st.sampled_from([YEAR_END, dt.date(2027, 1, 25), dt.date(2027, 3, 22)]),
    ops=st.lists(st.one_of(OPS, MORE_OPS), min_size=1, max_size=12),
)
def test_days_passing_and_every_kind_of_change_never_break_a_rule(
    start: dt.date, ops: list[tuple[str, int, int, bool]]
) -> None:
    store = world()
    assert len(NAMES) == len(store.facilitators())
    today = start
    for op in ops:
        before = snapshot(store)
        try:
            today = _apply_any(store, op, today)
        except VoicesGroupError:
            assert snapshot(store) == before, f"{op} was refused but changed the file"
        assert broken(store, today) == [], f"after {op} on {today}"
        assert stale_reasons(store) == [], f"after {op} on {today}"


# -- dates at the edges of the calendar -------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "weeks"),
    [("2199-12-20", "2"), ("2199-12-31", "1"), ("2197-06-01", "156"), ("9999-12-24", "1")],
)
def test_a_plan_reaching_past_the_calendar_is_one_clear_sentence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    start: str,
    weeks: str,
) -> None:
    path = tmp_path / "voicesgroup.json"
    monkeypatch.setenv(DB_ENV, str(path))
    with Store.open(path, seed=False) as store:
        group(store, "Tuesday Voices")
        person(store, "Rosa")
        person(store, "Tomasz")
    before = path.read_bytes()
    code, _, err = run(capsys, "rota", "generate", "--all", "--weeks", weeks, "--from", start)
    assert code == 1
    assert_one_clear_line(err)
    assert "unexpected" not in err
    assert "the last day a rota can be planned" in err or "too far off" in err
    assert path.read_bytes() == before


# -- the command line, as a coordinator types it --------------------------------------------

CLI_OPS = st.one_of(
    st.tuples(st.just("generate"), st.integers(-3, 40), st.integers(1, 6), st.booleans()),
    st.tuples(st.just("break"), st.integers(0, 4), st.integers(-2, 30), st.integers(0, 3)),
    st.tuples(st.just("sign-off"), st.just(4), st.just(0), st.just(0)),
)


def _argv(op: tuple[str, int, int, object], today: dt.date) -> list[str]:
    kind, a, b, flag = op
    if kind == "generate":
        first = (today + dt.timedelta(days=a)).isoformat()
        argv = ["rota", "generate", "--all", "--weeks", str(b), "--from", first]
        return argv + (["--publish"] if flag else [])
    if kind == "break":
        start = today + dt.timedelta(days=b)
        end = start + dt.timedelta(days=6)
        how = [[], ["--cover"], ["--leave-open"], ["--cover"]][int(str(flag)) % 4]
        return [
            "facilitator", "break", "--facilitator", NAMES[a],
            "--from", start.isoformat(), "--to", end.isoformat(), *how,
        ]  # fmt: skip
    return ["facilitator", "sign-off", "--facilitator", "Sol", "--by", "Rosa", "--yes"]


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=st.lists(CLI_OPS, min_size=1, max_size=8))
def test_commands_typed_in_any_order_never_break_a_rule(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ops: list[tuple[str, int, int, object]],
) -> None:
    from voicesgroup.models import TrainingStatus

    path = tmp_path_factory.mktemp("cli") / "voicesgroup.json"
    monkeypatch.setenv(DB_ENV, str(path))
    today = dt.date.today()
    with Store.open(path, seed=False) as store:
        group(store, "Tuesday Voices", 1)
        group(store, "Thursday Beliefs", 3, women_facilitator_rule=True)
        trainings = ["experienced", "experienced", "experienced", "trained", "in_training"]
        for name, training, woman in zip(
            NAMES, trainings, [True, False, True, False, None], strict=True
        ):
            person(store, name, TrainingStatus(training), is_woman=woman)
    for op in ops:
        before = path.read_bytes()
        code, _, err = run(capsys, *_argv(op, today))
        if code != 0:
            assert_one_clear_line(err)
            assert "unexpected" not in err
            if "nothing was changed" in err.lower() or "not changed" in err.lower():
                assert path.read_bytes() == before, f"{op}: refused but changed"
        with Store.open(path, readonly=True) as store:
            assert broken(store, today) == [], f"after {op}"
            assert stale_reasons(store) == [], f"after {op}"


def test_the_latest_rota_that_can_be_planned_can_be_exported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from voicesgroup.dates import LATEST

    path = tmp_path / "voicesgroup.json"
    monkeypatch.setenv(DB_ENV, str(path))
    with Store.open(path, seed=False) as store:
        group(store, "Tuesday Voices")
        person(store, "Rosa")
        person(store, "Tomasz")
    start = (LATEST - dt.timedelta(weeks=2)).isoformat()
    code, out, err = run(
        capsys, "rota", "generate", "--all", "--weeks", "2", "--from", start, "--publish"
    )
    assert code == 0, err
    code, out, err = run(capsys, "rota", "ics", "--out", str(tmp_path / "rota.ics"))
    assert code == 0, err
    assert "Wrote 2 sessions" in out
