"""What the tests share, each in one home; a test imports from here, never from another test.

- `app`: the one app factory for Pilot tests (`app_on`), the demo with today's rota
  (`make_demo`), the demo under a passphrase (`encrypted_demo`), the keys into a session.
- `clock`: the frozen day (`TODAY`), noon of it (`NOON`) and the session clock (`FrozenClock`).
- `screen`: what a person sees (`screen_text`, `text_of`, `notifications`), keys pressed one by
  one (`press`), and journeys many tests take (`open_member`, `print_record_to_file`).
- `forms`: what a form says is wrong (`problems_shown`).
- `waits`: waiting for a condition, never for a fixed time (`until`, `pilot_until`).
- `cli`: the command line run in-process (`run`) and the shape of its refusals.
- `records`: a group, a member with consent, a consent event, a small file (`small_file`).
- `files`: a file's state (`FileState`), a folder's listing, files holding a text, `OsSpy`.
- `keys`: quick key derivation (`FAST_KDF`, `quick_argon2id`).
- `faults`: a process stopped at its N-th disk call (`stop_at`, `KILLED`).
- `exchange`, `exchange_laptops`: laptops exchanging through a folder, and what each can read.
- `rota_changes`: the rota guard's builders and random changes; `threads`: the `watched` fixture.
- `stuck_solver`: a solver process that never answers, as HiGHS did on a large plan.
- `source`: the project's own source read for its rules (docstrings).
- `demo_files`: the demo data, built once per process and copied (`write_demo_copy`).
- `pdf`: a PDF read back as text, its fonts, the glyphs it draws (`drawn_glyphs`), rendered
  to an image.
- `new_printout`: a printout kind added in a test, to follow it everywhere it must reach.
- `cups_server`, `syncthing_pair`: a real printing system and two real Syncthings of a test's own.
"""
