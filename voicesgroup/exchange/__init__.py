"""Several laptops of one organisation exchanging outboxes through a folder a carrier moves.

Each laptop keeps its own data file. `voicesgroup exchange` reads every other laptop's outbox
from a folder a sync engine carries (Syncthing, a Nextcloud folder, a USB stick), merges what
it may hold, then writes its own outbox: the full current state of what it shares.

- `folder`: the folder itself: an outbox's name, writing it whole, which files are outboxes
  and which are a carrier's conflict copies.
- `sharing`: what travels where, one rule per table (the organisation, the group's laptops
  only, or a projection without members), and the one projection of a session or strategy.
- `clock`: the hybrid logical clock that stamps every shared record.
- `state`: what the data file keeps about the exchange (its `_exchange` table).
- `outbox`: the outbox's bytes, sealed with AES-256-GCM under keys derived with Argon2id.
- `merge`: the merge rules, pure: latest stamp wins, with the exceptions the rules name.
- `service`: the public face the screens and commands call: set-up, one exchange (import
  before export), status and leaving. Behind it, one module a concern: `joining` (set-up,
  leaving, the keys), `inbox` (reading the other laptops' outboxes; `read_folder` reads and
  opens them ahead, without the store, in an app's worker), `applying` (a merge put into the
  document), `stamping` (this laptop's changes stamped, its outbox sealed and written),
  `one_exchange` (the steps in order, and the saves between them), `status` (what the
  exchange knows), and `run` (what the steps share: their small named interface).
- `view`: the status in words for the screen.
- `conflicts`: a note's or strategy's two versions, and a person's choice between them.
"""
