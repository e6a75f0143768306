"""Key derivation quick enough for tests of what happens around an encrypted file's key.

The real Argon2id is tried in `tests/core/test_crypto.py`; everywhere else a file is locked with
`FAST_KDF` (a real derivation at its cheapest), or the derivation is replaced by
`quick_argon2id` (the `quick_kdf` fixture of `tests/core/conftest.py`).
"""

from __future__ import annotations

import hashlib

from voicesgroup.store import crypto

FAST_KDF = crypto.KdfParams(memory_kib=65536, iterations=1, lanes=1)
"""Argon2id at its cheapest: a passphrase set in a test opens in a moment."""


def quick_argon2id(secret: bytes, salt: bytes, params: crypto.KdfParams) -> bytes:
    """A cheap stand-in for Argon2id, for tests of what happens around the key, not of the KDF.

    It depends on every input like the real KDF, so a tampered salt or parameter, or another
    passphrase, still gives another key. (tests/core/test_crypto.py runs the real one.)
    """
    material = repr((secret, salt, params.memory_kib, params.iterations, params.lanes))
    return hashlib.sha256(material.encode()).digest()
