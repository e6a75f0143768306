"""A note written with a member, on a screen made to be shared with them.

Two steps: writing (their own words in the biggest field, then what helped and what they want
to remember, then, optionally, the facilitator's words) and reading back (the whole note in
plain words). It is kept only when the member agrees to it as it is; otherwise it goes back
to writing with every word kept. The same screen corrects a note later: the member's latest
wording replaces the old one. There is nowhere to write a label, a medical detail or a rating.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, ContentSwitcher, Header, Label, Static, TextArea

from screens.form_screen import FormScreen
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import literal
from voicesgroup.errors import in_our_words
from voicesgroup.mentions import member_names_in
from voicesgroup.models import Member, Note, now

WRITING = "note-write"
READING_BACK = "note-readback"
FIELDS = ("member_words", "what_helped", "to_remember", "facilitator_words")


class NoteScreen(FormScreen[bool]):
    """Write (or correct) a note with a member; dismisses True once it is kept."""

    HELP_TITLE = "A note written with a member"
    HELP = (
        "Write it together, with the screen turned so they can see it: their own words first, "
        "then what helped and what they want to remember. Ctrl+R reads the whole note back; "
        "it is kept only when they agree to it as it is. 'Change something' goes back with "
        "every word kept."
    )
    BINDINGS = [
        Binding("ctrl+r", "read_back", "Read it back", id="read-back"),
        Binding("ctrl+s", "agree", "They agree — save", id="agree-save"),
        Binding("c", "change", "Change something", id="change-something"),
        Binding("escape", "leave", "Back", id="back"),
    ]

    FORM_SUBJECT = "the note"

    def __init__(
        self, member: Member, note: Note | None = None, *, session_id: UUID | None = None
    ) -> None:
        super().__init__()
        self.member = member
        self.original = note
        self.session_id = note.session_id if note else session_id
        self.draft: Note | None = None
        self._warned_for: dict[str, str] | None = None

    @property
    def step(self) -> str:
        """Which step is showing: WRITING or READING_BACK."""
        switchers = self.query(ContentSwitcher)
        return (switchers.first().current if switchers else None) or WRITING

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        name = self.member.display_name
        note = self.original
        self.title = f"A note with {name}"
        yield Header()
        with ContentSwitcher(initial=WRITING, id="note-steps"):
            with VerticalScroll(id=WRITING, classes="note-form"):
                yield Static(
                    literal(f"Correcting a note with {name}" if note else f"A note with {name}"),
                    classes="section-title",
                )
                yield Static(
                    literal(
                        f"Written together, in {name}'s words. It is read back to them and kept "
                        "only if they agree. Ctrl+R reads it back."
                    ),
                    classes="hint",
                )
                yield from self._field(
                    "member_words",
                    f"In {name}'s own words",
                    note.member_words if note else "",
                    "note-words",
                )
                yield from self._field(
                    "what_helped",
                    "What helped, even a little?",
                    note.what_helped if note else "",
                    "note-short",
                )
                yield from self._field(
                    "to_remember",
                    f"What does {name} want to remember, or to try?",
                    note.to_remember if note else "",
                    "note-short",
                )
                yield from self._field(
                    "facilitator_words",
                    f"The facilitator's words (optional, only what {name} is happy with)",
                    note.facilitator_words if note else "",
                    "note-short",
                )
                with Horizontal(classes="buttons"):
                    yield Button("Read it back", id="read-back", variant="primary", compact=True)
                    yield Button("Leave without keeping", id="leave", compact=True)
            with VerticalScroll(id=READING_BACK, classes="note-form"):
                yield Static(
                    literal(f"Read this back to {name}, all of it"), classes="section-title"
                )
                yield Static("", id="readback-text")
                yield Static("", id="readback-keeping", classes="hint")
                yield Static(
                    literal(f"Does {name} agree to this note as it is?"), id="readback-question"
                )
                with Horizontal(classes="buttons"):
                    yield Button("They agree — save", id="agree", variant="success", compact=True)
                    yield Button("Change something", id="change", compact=True)
        yield KeysFooter(show_command_palette=False)

    def _field(self, key: str, label: str, text: str, size: str) -> ComposeResult:
        yield Label(literal(label), classes="note-label")
        yield TextArea(
            text,
            id=key.replace("_", "-"),
            classes=size,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
        )
        yield Static("", id=f"{key.replace('_', '-')}-problem", classes="note-problem")

    def on_mount(self) -> None:
        for key in FIELDS:
            self._problem(key).display = False
        self.query_one("#member-words", TextArea).focus()
        # The box taking the focus scrolls the form to it; the form opens at its top instead,
        # so the first question is read above the box (at 80×24 it was off the screen).
        writing = self.query_one(f"#{WRITING}", VerticalScroll)
        self.call_after_refresh(writing.scroll_home, animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each step offers its own keys: read back while writing, agree or change after."""
        if action == "read_back":
            return self.step == WRITING
        if action in ("agree", "change"):
            return self.step == READING_BACK
        return True

    # -- reading and showing the fields ----------------------------------------------------

    def _area(self, key: str) -> TextArea:
        return self.query_one(f"#{key.replace('_', '-')}", TextArea)

    def _problem(self, key: str) -> Static:
        return self.query_one(f"#{key.replace('_', '-')}-problem", Static)

    def _texts(self) -> dict[str, str]:
        return {key: self._area(key).text.strip() for key in FIELDS}

    def _show_problem(self, key: str, message: str) -> None:
        problem = self._problem(key)
        problem.update(literal(f"! {message}"))
        problem.display = True
        self._area(key).focus()

    def _build_note(self) -> Note | None:
        """The note as written, or None (with the problem shown beside its field)."""
        for key in FIELDS:
            self._problem(key).display = False
        texts = self._texts()
        if not texts["member_words"]:
            self._show_problem(
                "member_words",
                f"Write something in {self.member.display_name}'s own words first, even a few.",
            )
            return None
        original = self.original
        kept = (
            {
                "id": original.id,
                "created_at": original.created_at,
                "restricted": original.restricted,
            }
            if original
            else {}
        )
        try:
            return Note(
                **kept,
                member_id=self.member.id,
                session_id=self.session_id,
                **texts,
                agreed_by_member=True,
                updated_at=now(),
            )
        except ValidationError as error:
            first = error.errors()[0]
            where = next((str(p) for p in first["loc"] if str(p) in FIELDS), "member_words")
            self._show_problem(where, in_our_words(first))
            return None

    def _names_warned(self, note: Note) -> bool:
        """Warn (once for these words) when the note names another member, as themes do."""
        texts = self._texts()
        names = member_names_in(self.store, "\n".join(texts.values()), besides=self.member.id)
        if not names or self._warned_for == texts:
            return False
        self._warned_for = texts
        where = next(
            key for key in FIELDS if member_names_in(self.store, texts[key], besides=self.member.id)
        )
        self._show_problem(
            where,
            f"This mentions {', '.join(names)}. A note is about {self.member.display_name} "
            "alone: in their own record another member's name here is printed as “another "
            "member”. "
            "Change the words, or press Ctrl+R again to read it back as it is.",
        )
        return True

    def _read_back_text(self, note: Note) -> Text:
        name = self.member.display_name
        parts = [
            (f"In {name}'s own words", note.member_words),
            ("What helped", note.what_helped),
            (f"What {name} wants to remember", note.to_remember),
            ("What the facilitator wrote", note.facilitator_words),
        ]
        text = Text()
        for index, (label, body) in enumerate(parts):
            if index:
                text.append("\n\n")
            text.append(f"{label}:\n", style="bold")
            text.append(body or "(nothing written)", style="" if body else "italic")
        return text

    # -- the steps -------------------------------------------------------------------------

    @on(Button.Pressed, "#read-back")
    def action_read_back(self) -> None:
        if self.step != WRITING:
            return
        note = self._build_note()
        if note is None:
            return
        if self._names_warned(note):
            return
        self.draft = note
        name = self.member.display_name
        months = self.store.settings().notes_months
        self.query_one("#readback-text", Static).update(self._read_back_text(note))
        self.query_one("#readback-keeping", Static).update(
            literal(
                f"If {name} agrees, it is kept with their record for {months} months at most. "
                f"{name} can see it, change it or have it erased whenever they ask."
            )
        )
        self.query_one(ContentSwitcher).current = READING_BACK
        readback = self.query_one(f"#{READING_BACK}", VerticalScroll)
        readback.scroll_home(animate=False)
        readback.focus()
        self.refresh_bindings()

    @on(Button.Pressed, "#change")
    def action_change(self) -> None:
        if self.step != READING_BACK:
            return
        self.draft = None
        self.query_one(ContentSwitcher).current = WRITING
        self._area("member_words").focus()
        self.refresh_bindings()

    @on(Button.Pressed, "#agree")
    def action_agree(self) -> None:
        if self.step != READING_BACK or self.draft is None:
            return
        note = self.draft
        said = (f"Kept, in the words {self.member.display_name} agreed to.", "Note saved")
        if self.form_attempt(lambda: self.store.save_note(note), said):
            self.dismiss(True)

    def submit_form(self) -> bool:
        """Ctrl+S's form route: read it back while writing, keep it once they agree."""
        if self.step == WRITING:
            self.action_read_back()
        else:
            self.action_agree()
        return False

    @on(Button.Pressed, "#leave")
    def _leave_pressed(self) -> None:
        self.action_leave()

    def action_leave(self) -> None:
        """Escape: from the read-back, back to writing; from writing, leave (asking first)."""
        if self.step == READING_BACK:
            self.action_change()
            return
        super().action_leave()

    def leave_form(self) -> None:
        self.dismiss(False)
