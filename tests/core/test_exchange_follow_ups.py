"""Follow-ups reach the coordinator's laptop: the follow-up's record carries a copy of its
words (`FollowUpState.text`), and where the words name a member they stay on the group's
laptop and the coordinator sees the follow-up counted as held there, never nothing and never
the name. The coordinator's list and Home's Due box say the same as the group's laptop."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import orjson

from tests.helpers.exchange import MEMBER, World, no_real_data, readable_files, world
from voicesgroup import follow_ups as fu
from voicesgroup.facilitator_counts import FOLLOW_UP_FIELD, HELD_ON_GROUP_LAPTOP, due_items
from voicesgroup.store import Store

__all__ = ["no_real_data", "world"]  # fixtures

PLAIN = "Ask the venue about the heating"
NAMING = f"Check in with {MEMBER} about the bus fare"
NOTED = "Print more diaries"
TODAY = __import__("datetime").date(2025, 3, 10)


def _write_follow_ups(db: Path) -> None:
    """On the group's laptop: a debrief with two follow-ups and one noted with `f`, the
    debrief's owned by Rosa."""
    from voicesgroup.session_runner import SessionRunner

    with Store.open(db) as store:
        [session] = store.sessions()
        runner = SessionRunner.resume(store, session.id)
        runner.add_follow_up(NOTED)
        runner.write_debrief({FOLLOW_UP_FIELD: f"- {PLAIN}\n- {NAMING}"})
        rosa = next(p for p in store.facilitators() if p.display_name == "Rosa")
        for row in fu.follow_up_list(store):
            if row.from_debrief:
                fu.set_owner(store, row, rosa)


def _open_rows(db: Path) -> list[fu.FollowUpRow]:
    with Store.open(db) as store:
        return fu.follow_up_list(store, open_only=True)


def _due(db: Path) -> list[str]:
    with Store.open(db) as store:
        return due_items(store, TODAY)


def test_a_debrief_follow_up_owned_by_rosa_reaches_the_coordinator(world: World) -> None:
    _write_follow_ups(world.group)
    world.exchange(world.group)
    world.exchange(world.coordinator)
    rows = _open_rows(world.coordinator)
    texts = sorted(row.text for row in rows)
    # every follow-up travels as a record: owned or not, its words or where they are held
    assert texts == sorted([PLAIN, HELD_ON_GROUP_LAPTOP, NOTED])
    assert {row.text for row in rows if row.owner_id} == {PLAIN, HELD_ON_GROUP_LAPTOP}
    due = " ".join(_due(world.coordinator))
    assert "Tuesday Voices: 3 follow-ups still open" in due
    assert "Tuesday Voices: 3 follow-ups still open" in " ".join(_due(world.group))
    # the member's name is in no file the coordinator can read
    for path, data in readable_files(world.coordinator).items():
        assert MEMBER.encode() not in data, path
    # the group's laptop still shows every follow-up with its own words
    group_texts = sorted(row.text for row in _open_rows(world.group))
    assert group_texts == sorted([PLAIN, NAMING, NOTED])


def test_done_on_the_coordinators_laptop_is_done_on_the_groups(world: World) -> None:
    _write_follow_ups(world.group)
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.coordinator) as store:
        row = next(r for r in fu.follow_up_list(store) if r.text == PLAIN)
        fu.mark_done(store, row, TODAY)
        held = next(r for r in fu.follow_up_list(store) if r.text == HELD_ON_GROUP_LAPTOP)
        fu.mark_done(store, held, TODAY)
    world.exchange(world.coordinator)
    world.exchange(world.group)
    with Store.open(world.group) as store:
        done = {row.text for row in fu.follow_up_list(store) if row.done_on == TODAY}
    assert done == {PLAIN, NAMING}  # the words stayed where they were, the day came back
    assert [row.text for row in _open_rows(world.group)] == [NOTED]
    data = orjson.loads(world.coordinator.read_bytes())
    assert MEMBER not in orjson.dumps(data).decode()


def test_a_debriefs_follow_up_copy_is_kept_no_longer_than_the_debrief(world: World) -> None:
    """The copy the coordinator holds goes when the debrief's keeping time ends, as the
    debrief does on the group's laptop."""
    import datetime as dt

    from voicesgroup import retention

    _write_follow_ups(world.group)
    world.exchange(world.group)
    world.exchange(world.coordinator)
    later = TODAY + dt.timedelta(days=3 * 365)
    with Store.open(world.coordinator) as store:
        due = retention.due(store, later)
        assert due.debrief_follow_ups == 1  # the copy of PLAIN; the other has no words here
        assert "1 follow-up from a debrief" in due.summary()
        retention.apply(store, later)
        assert retention.due(store, later).debrief_follow_ups == 0
        texts = sorted(row.text for row in fu.follow_up_list(store))
        assert texts == sorted([HELD_ON_GROUP_LAPTOP, HELD_ON_GROUP_LAPTOP, NOTED])
    assert PLAIN.encode() not in world.coordinator.read_bytes()


def _folded(text: str) -> str:
    """Accents, invisible characters and case taken away, as a reader's eye takes them."""
    kept = (c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c)[0] != "M")
    return "".join(c for c in kept if unicodedata.category(c) != "Cf").casefold()


FORMS = [MEMBER, MEMBER.upper(), f"{MEMBER}'s", f"{MEMBER[:4]}\u200b{MEMBER[4:]}", "Mârigold"]


def test_the_copy_of_the_words_and_the_exchanges_own_reading_always_agree(tmp_path: Path) -> None:
    """The adversary: follow-up words around any form of a member's name. Whatever the
    words, the record's copy is never a text the exchange would keep at home (which would keep
    the whole record, owner and all, from the coordinator: the follow-up seen as nothing), and
    the parts that leave for the organisation never carry the name."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tests.helpers.records import add_group, add_member
    from voicesgroup.exchange import sharing
    from voicesgroup.models import FollowUpState, Session

    store = Store.open(tmp_path / "vg.json", seed=False)
    group = add_group(store)
    add_member(store, MEMBER)
    session = Session(group_id=group.id, date=TODAY)
    store.save_session(session)
    words = st.text(alphabet="abc ,.'-", max_size=12)

    @settings(max_examples=120, deadline=None)
    @given(before=words, form=st.sampled_from([*FORMS, "the bus", "sleep"]), after=words)
    def agree(before: str, form: str, after: str) -> None:
        text = f"{before} {form} {after}".strip()
        record = FollowUpState(session_id=session.id, key="d0", text=fu.shared_words(store, text))
        data = {table: dict(store.storage.read().get(table, {})) for table in sharing.RULES}
        document = record.model_dump(mode="json")
        data["follow_ups"] = {"1": document}
        holding = sharing.Holding.of(data, [str(group.id)])
        parts = sharing.parts_of("follow_ups", document, holding)
        assert parts, "the record stays home: the coordinator would see nothing"
        assert all(sharing.ORG in part.sections for part in parts)
        if text in holding.naming or fu.shared_words(store, text) is None:
            assert record.text is None
        leaving = orjson.dumps([part.content for part in parts]).decode()
        assert MEMBER.casefold() not in _folded(leaving), text

    try:
        agree()
    finally:
        store.close()


def test_a_follow_up_taken_back_on_the_groups_laptop_goes_from_the_coordinators(
    world: World,
) -> None:
    from voicesgroup.session_runner import SessionRunner

    _write_follow_ups(world.group)
    world.exchange(world.group)
    world.exchange(world.coordinator)
    assert NOTED in {row.text for row in _open_rows(world.coordinator)}
    with Store.open(world.group) as store:
        [session] = store.sessions()
        SessionRunner.resume(store, session.id).change_follow_up(0, None)
    world.exchange(world.group)
    world.exchange(world.coordinator)
    assert sorted(row.text for row in _open_rows(world.coordinator)) == sorted(
        [PLAIN, HELD_ON_GROUP_LAPTOP]
    )
    assert "Tuesday Voices: 2 follow-ups still open" in " ".join(_due(world.coordinator))


def test_follow_ups_noted_before_the_laptop_shared_get_their_records_when_it_begins(
    tmp_path: Path, monkeypatch
) -> None:
    """A laptop that does not share keeps no record for a follow-up nobody owns; when it
    begins to share (`exchange setup`), each gets one, with its words or none where they
    name a member."""
    import datetime as dt

    from tests.helpers.records import add_group, add_member
    from voicesgroup.models import FollowUpState, Session

    with Store.open(tmp_path / "vg.json", seed=False) as store:
        group = add_group(store)
        add_member(store, MEMBER)
        session = Session(group_id=group.id, date=dt.date(2025, 3, 4), follow_ups=[NOTED, NAMING])
        store.save_session(session)
        fu.record_every_follow_up(store)  # not sharing: nothing made
        assert store.records(FollowUpState) == []
        monkeypatch.setattr(fu, "groups_holding_words", lambda _: frozenset({str(group.id)}))
        fu.record_every_follow_up(store)
        fu.record_every_follow_up(store)  # twice: still one each
        made = {r.key: r.text for r in store.records(FollowUpState)}
    assert made == {"s0": NOTED, "s1": None}


def test_setting_up_a_group_laptop_records_its_follow_ups(world: World) -> None:
    """Through the real set-up: a laptop with a follow-up noted before it shared."""
    import datetime as dt

    from tests.helpers.records import add_group
    from voicesgroup.models import FollowUpState, Session

    path = world.tmp / "fresh" / "vg.json"
    path.parent.mkdir()
    with Store.open(path, seed=False) as store:
        group = add_group(store, "Thursday Beliefs")
        store.save_session(Session(group_id=group.id, date=dt.date(2025, 3, 6), follow_ups=[NOTED]))
        assert store.records(FollowUpState) == []
    folder = world.tmp / "other-folder"
    folder.mkdir()
    world.use_passphrases("another organisation's words", "thursday evening")
    code, _, err = world.cli(
        path, "exchange", "setup", "--folder", str(folder), "--group", "Thursday Beliefs", "--yes"
    )
    assert code == 0, err
    with Store.open(path, readonly=True) as store:
        assert [r.text for r in store.records(FollowUpState)] == [NOTED]
