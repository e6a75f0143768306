"""The exchange in words for the screen: the quiet line after an exchange."""

from __future__ import annotations

from voicesgroup.exchange.service import Summary
from voicesgroup.exchange.view import kinds_in_words, summary_words


def test_what_came_in_is_said_by_kind() -> None:
    assert kinds_in_words({"notes": 3, "sessions": 1}) == "3 notes, 1 session"
    assert kinds_in_words({}) == "nothing"


def test_the_quiet_line_after_an_exchange() -> None:
    assert summary_words(Summary()) == "Exchanged: no other laptop's outbox was new."
    line = summary_words(
        Summary(
            came_in={"rota": 2},
            laptops=2,
            conflicts=1,
            problems=["The outbox x was not read: it is damaged.", "Another."],
        )
    )
    assert line == (
        "Exchanged with 2 laptops: 2 rota places came in; 1 conflict to settle. "
        "The outbox x was not read: it is damaged. (and 1 more problem)"
    )


def test_outboxes_still_unreadable_are_counted_and_the_sharing_screen_lists_them_itself() -> None:
    summary = Summary(
        problems=["The outbox y was not read: it is damaged."],
        unread={"y": "The outbox y was not read: it is damaged."},
        still_unread=["a", "b"],
    )
    assert summary_words(summary) == (
        "Exchanged: no other laptop's outbox was new. The outbox y was not read: it is damaged. "
        "The exchange folder still holds 2 outboxes that cannot be read, as told before: "
        "Sharing (x) says which, and what to do."
    )
    # the Sharing screen lists every one (and says the rest from the record): not again
    assert summary_words(summary, problems=False) == "Exchanged: no other laptop's outbox was new."
    assert summary.other_problems() == []
