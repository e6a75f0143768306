"""Tests for voicesgroup.store.crypto: passphrase encryption at rest of the data file."""

from __future__ import annotations

import base64
import json
import os
import re
import struct
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.keys import quick_argon2id as _fake_argon2id
from voicesgroup.store import crypto
from voicesgroup.store.crypto import (
    MAGIC,
    CryptoError,
    DamagedFile,
    KdfParams,
    NewerFormat,
    Unlocked,
    WrongPassphrase,
    WrongRecoveryKey,
    change_passphrase,
    create,
    is_encrypted,
    open_sealed,
    open_with_passphrase,
    open_with_recovery_key,
    seal,
    tune_kdf,
    unlock_with_passphrase,
)

# The smallest settings the header bounds accept: real Argon2id, but quick enough for tests.
FAST = KdfParams(memory_kib=65536, iterations=1, lanes=1)
PASSPHRASE = "correct horse battery staple"
PLAINTEXT = json.dumps({"groups": [{"name": "Tuesday circle", "notes": "x" * 150}]}).encode()
RECOVERY_PATTERN = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){13}$")


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Swap Argon2id for a cheap stand-in where a test runs thousands of unlocks."""
    monkeypatch.setattr(crypto, "_argon2id", _fake_argon2id)


@pytest.fixture
def no_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any key derivation runs."""

    def forbidden(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
        raise AssertionError(f"KDF ran with {params}")

    monkeypatch.setattr(crypto, "_argon2id", forbidden)


@pytest.fixture(scope="module")
def sealed() -> tuple[bytes, Unlocked, str]:
    """A real (non-stubbed) sealed file, shared because each creation runs Argon2id."""
    unlocked, recovery = create(PASSPHRASE, FAST)
    return seal(PLAINTEXT, unlocked), unlocked, recovery


def split_blob(blob: bytes) -> tuple[dict[str, Any], bytes]:
    start = len(MAGIC) + 4
    (length,) = struct.unpack(">I", blob[len(MAGIC) : start])
    return json.loads(blob[start : start + length]), blob[start + length :]


def join_blob(header: Any, body: bytes) -> bytes:
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + struct.pack(">I", len(raw)) + raw + body


def retamper(blob: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    header, body = split_blob(blob)
    edit(header)
    return join_blob(header, body)


def all_openers(unlocked: Unlocked, recovery: str) -> list[Callable[[bytes], object]]:
    return [
        lambda b: open_sealed(b, unlocked),
        lambda b: open_with_passphrase(b, PASSPHRASE),
        lambda b: open_with_recovery_key(b, recovery),
    ]


def refusals(
    blobs: Iterator[tuple[int, bytes]], openers: list[Callable[[bytes], object]]
) -> list[tuple[int, int, str]]:
    """Return (index, problem) for every variant that was opened or raised a non-CryptoError."""
    problems: list[tuple[int, int, str]] = []
    for index, blob in blobs:
        for which, opener in enumerate(openers):
            try:
                opener(blob)
            except CryptoError:
                continue
            except Exception as exc:
                problems.append((index, which, repr(exc)))
            else:
                problems.append((index, which, "opened"))
    return problems


# --- round trips -------------------------------------------------------------------------------


def test_round_trip_with_passphrase(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, _, _ = sealed
    assert is_encrypted(blob)
    assert PLAINTEXT not in blob
    plaintext, unlocked = open_with_passphrase(blob, PASSPHRASE)
    assert plaintext == PLAINTEXT
    assert open_sealed(seal(b"next save", unlocked), unlocked) == b"next save"


def test_unlock_then_open_sealed(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, original, _ = sealed
    unlocked = unlock_with_passphrase(blob, PASSPHRASE)
    assert unlocked.data_key == original.data_key
    assert open_sealed(blob, unlocked) == PLAINTEXT


def test_empty_plaintext_round_trips(sealed: tuple[bytes, Unlocked, str]) -> None:
    _, unlocked, _ = sealed
    assert open_sealed(seal(b"", unlocked), unlocked) == b""


def test_wrong_passphrase_is_refused_quickly(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, _, _ = sealed
    for attempt in ["", "wrong", PASSPHRASE.upper(), PASSPHRASE + " ", "\ud800"]:
        with pytest.raises(WrongPassphrase) as info:
            open_with_passphrase(blob, attempt)
        assert str(info.value) == "That passphrase does not open this file."


def test_passphrase_unicode_normalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "_argon2id", _fake_argon2id)
    composed = "caf\u00e9 na\u00efve"
    unlocked, _ = create(composed, FAST)
    blob = seal(b"data", unlocked)
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert open_with_passphrase(blob, decomposed)[0] == b"data"


def test_recovery_key_opens(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, original, recovery = sealed
    assert RECOVERY_PATTERN.match(recovery)
    plaintext, unlocked = open_with_recovery_key(blob, recovery)
    assert plaintext == PLAINTEXT
    assert unlocked.data_key == original.data_key


@pytest.mark.parametrize(
    "spelling",
    [
        lambda k: k.lower(),
        lambda k: k.replace("-", " "),
        lambda k: k.replace("-", ""),
        lambda k: f"  {k.replace('-', ' - ')}\n",
        lambda k: k.replace("-", "\u2013"),
        lambda k: k.replace("O", "0").replace("I", "1").replace("B", "8"),
    ],
    ids=["lower", "spaces", "no-separators", "padded", "en-dash", "lookalike-digits"],
)
def test_recovery_key_spellings(
    sealed: tuple[bytes, Unlocked, str], spelling: Callable[[str], str]
) -> None:
    blob, _, recovery = sealed
    assert open_with_recovery_key(blob, spelling(recovery))[0] == PLAINTEXT


def test_recovery_key_typo_and_foreign_key(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, _, recovery = sealed
    typo = ("B" if recovery[0] == "A" else "A") + recovery[1:]
    with pytest.raises(WrongRecoveryKey, match="typos"):
        open_with_recovery_key(blob, typo)
    for junk in ["", "ABCD-EFGH", recovery + "-AAAA", "!" * 56]:
        with pytest.raises(WrongRecoveryKey):
            open_with_recovery_key(blob, junk)
    other_key = crypto._format_recovery_key(os.urandom(32))
    with pytest.raises(WrongRecoveryKey, match="does not open this file"):
        open_with_recovery_key(blob, other_key)
    # Catching WrongPassphrase is enough for "ask the person again" in a UI.
    assert issubclass(WrongRecoveryKey, WrongPassphrase)


def test_change_passphrase(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, _, recovery = sealed
    _, unlocked = open_with_passphrase(blob, PASSPHRASE)
    changed = change_passphrase(unlocked, "a brand new passphrase")
    assert changed.data_key == unlocked.data_key
    assert changed.header["kdf"]["salt"] != unlocked.header["kdf"]["salt"]
    assert changed.header["recovery_key"] == unlocked.header["recovery_key"]
    assert changed.header["kdf"]["memory_kib"] == FAST.memory_kib  # kdf=None keeps settings
    new_blob = seal(PLAINTEXT, changed)

    with pytest.raises(WrongPassphrase):
        open_with_passphrase(new_blob, PASSPHRASE)
    assert open_with_passphrase(new_blob, "a brand new passphrase")[0] == PLAINTEXT
    assert open_with_recovery_key(new_blob, recovery)[0] == PLAINTEXT


def test_forgotten_passphrase_flow(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, _, recovery = sealed
    _, unlocked = open_with_recovery_key(blob, recovery)
    stronger = KdfParams(memory_kib=65536, iterations=2, lanes=2)
    new_blob = seal(PLAINTEXT, change_passphrase(unlocked, "remembered now", stronger))
    plaintext, reopened = open_with_passphrase(new_blob, "remembered now")
    assert plaintext == PLAINTEXT
    assert reopened.header["kdf"]["iterations"] == 2
    assert open_with_recovery_key(new_blob, recovery)[0] == PLAINTEXT


def test_empty_new_passphrase_is_refused(sealed: tuple[bytes, Unlocked, str]) -> None:
    _, unlocked, _ = sealed
    with pytest.raises(CryptoError):
        create("", FAST)
    with pytest.raises(CryptoError):
        change_passphrase(unlocked, "")


def test_create_without_kdf_uses_tuning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "_argon2id", _fake_argon2id)
    tuned = KdfParams(memory_kib=131072, iterations=3, lanes=2)
    monkeypatch.setattr(crypto, "tune_kdf", lambda: tuned)
    unlocked, _ = create("pw")
    assert unlocked.header["kdf"]["memory_kib"] == 131072
    assert unlocked.header["kdf"]["iterations"] == 3


def test_data_key_is_not_in_repr(sealed: tuple[bytes, Unlocked, str]) -> None:
    _, unlocked, _ = sealed
    assert unlocked.data_key.hex() not in repr(unlocked)
    assert repr(unlocked.data_key) not in repr(unlocked)


def test_fresh_nonces_for_every_seal(sealed: tuple[bytes, Unlocked, str]) -> None:
    _, unlocked, _ = sealed
    first, second = seal(PLAINTEXT, unlocked), seal(PLAINTEXT, unlocked)
    (h1, body1), (h2, body2) = split_blob(first), split_blob(second)
    assert h1["body_nonce"] != h2["body_nonce"]
    assert body1 != body2
    assert h1["passphrase_key"] == h2["passphrase_key"]  # sealing never re-derives or re-wraps


def test_seal_does_not_run_kdf(sealed: tuple[bytes, Unlocked, str], no_kdf: None) -> None:
    _, unlocked, _ = sealed
    assert open_sealed(seal(PLAINTEXT, unlocked), unlocked) == PLAINTEXT


def test_file_layout(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, _, _ = sealed
    header, body = split_blob(blob)
    assert blob.startswith(MAGIC)
    raw = blob[len(MAGIC) + 4 : len(blob) - len(body)]
    assert raw == json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    assert header["format"] == 1
    assert set(header) == {
        "format",
        "cipher",
        "kdf",
        "passphrase_key",
        "recovery_key",
        "body_nonce",
    }
    assert len(body) == len(PLAINTEXT) + 16


def test_open_sealed_with_another_files_key(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, unlocked, _ = sealed
    stranger = Unlocked(os.urandom(32), unlocked.header)
    with pytest.raises(DamagedFile):
        open_sealed(blob, stranger)


# --- tampering, truncation, junk ---------------------------------------------------------------


def test_every_bit_flip_is_refused(fast_kdf: None) -> None:
    unlocked, recovery = create(PASSPHRASE, FAST)
    blob = seal(PLAINTEXT, unlocked)
    assert len(PLAINTEXT) >= 200

    def flips() -> Iterator[tuple[int, bytes]]:
        for bit in range(len(blob) * 8):
            mutated = bytearray(blob)
            mutated[bit // 8] ^= 1 << (bit % 8)
            yield bit, bytes(mutated)

    assert refusals(flips(), all_openers(unlocked, recovery)) == []


def test_every_truncation_is_refused(fast_kdf: None) -> None:
    unlocked, recovery = create(PASSPHRASE, FAST)
    blob = seal(PLAINTEXT, unlocked)
    truncations = ((n, blob[:n]) for n in range(len(blob)))
    assert refusals(truncations, all_openers(unlocked, recovery)) == []


def test_trailing_bytes_are_refused(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, unlocked, _ = sealed
    with pytest.raises(DamagedFile):
        open_sealed(blob + b"\x00", unlocked)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("memory_kib", 65535),
        ("memory_kib", 8),
        ("memory_kib", 1024 * 1024 + 1),
        ("memory_kib", 2**40),
        ("memory_kib", "65536"),
        ("iterations", 0),
        ("iterations", 21),
        ("iterations", 10**9),
        ("iterations", True),
        ("lanes", 0),
        ("lanes", 9),
        ("lanes", 1.0),
        ("salt", "AAAA"),
        ("salt", "A" * 100),
        ("name", "argon2i"),
    ],
)
def test_kdf_tampering_is_refused_before_any_kdf(
    sealed: tuple[bytes, Unlocked, str], no_kdf: None, field: str, value: object
) -> None:
    blob, _, _ = sealed
    tampered = retamper(blob, lambda h: h["kdf"].__setitem__(field, value))
    # `no_kdf` fails the test if Argon2id is ever run: the header is refused before it.
    with pytest.raises(DamagedFile):
        open_with_passphrase(tampered, PASSPHRASE)
    with pytest.raises(DamagedFile):
        unlock_with_passphrase(tampered, PASSPHRASE)


def test_in_bounds_kdf_change_cannot_open(sealed: tuple[bytes, Unlocked, str]) -> None:
    blob, _, recovery = sealed
    tampered = retamper(blob, lambda h: h["kdf"].__setitem__("iterations", 2))
    # Argon2id binds its parameters into the key, so the wrap no longer opens.
    with pytest.raises(WrongPassphrase):
        open_with_passphrase(tampered, PASSPHRASE)
    # The header is the body's associated data, so the recovery route refuses it too.
    with pytest.raises(DamagedFile):
        open_with_recovery_key(tampered, recovery)


@pytest.mark.parametrize(
    "edit",
    [
        lambda h: h.__setitem__("cipher", "AES-128-GCM"),
        lambda h: h.__setitem__("extra", 1),
        lambda h: h.pop("recovery_key"),
        lambda h: h.__setitem__("body_nonce", "AAAA"),
        lambda h: h["passphrase_key"].__setitem__("wrapped", "AAAA"),
        lambda h: h["kdf"].__setitem__("surprise", 1),
        lambda h: h.__setitem__("format", 0),
        lambda h: h.__setitem__("format", "1"),
        lambda h: h.__setitem__("format", 1.0),
        lambda h: h.__setitem__("kdf", None),
    ],
)
def test_malformed_header_is_refused_before_any_kdf(
    sealed: tuple[bytes, Unlocked, str], no_kdf: None, edit: Callable[[dict[str, Any]], None]
) -> None:
    blob, _, _ = sealed
    with pytest.raises(DamagedFile):
        open_with_passphrase(retamper(blob, edit), PASSPHRASE)


def test_newer_format_is_reported(sealed: tuple[bytes, Unlocked, str], no_kdf: None) -> None:
    blob, unlocked, recovery = sealed
    newer = retamper(blob, lambda h: h.__setitem__("format", 2))
    for opener in all_openers(unlocked, recovery):
        with pytest.raises(NewerFormat, match="made by a newer version"):
            opener(newer)
    # A future format may change everything else; the version alone must decide the message.
    with pytest.raises(NewerFormat):
        open_with_passphrase(join_blob({"format": 2, "anything": []}, b"x" * 32), PASSPHRASE)


def test_non_canonical_base64_is_refused_before_any_kdf(
    sealed: tuple[bytes, Unlocked, str], no_kdf: None
) -> None:
    blob, _, _ = sealed
    salt = split_blob(blob)[0]["kdf"]["salt"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    # A 16-byte salt leaves 4 unused bits in its last character: same bytes, different text.
    last = salt.index("=") - 1
    twin = salt[:last] + alphabet[alphabet.index(salt[last]) ^ 1] + salt[last + 1 :]
    assert base64.b64decode(twin) == base64.b64decode(salt)
    with pytest.raises(DamagedFile):
        open_with_passphrase(retamper(blob, lambda h: h["kdf"].__setitem__("salt", twin)), "x")


def test_header_length_limit(no_kdf: None) -> None:
    huge = MAGIC + struct.pack(">I", 64 * 1024 + 1) + b" " * (64 * 1024 + 100)
    with pytest.raises(DamagedFile):
        open_with_passphrase(huge, PASSPHRASE)
    with pytest.raises(DamagedFile):
        open_with_passphrase(MAGIC + b"\xff\xff\xff\xff", PASSPHRASE)


def test_deeply_nested_header_is_refused(no_kdf: None) -> None:
    nested = b"[" * 30000 + b"]" * 30000  # deep enough for RecursionError, within 64 KiB
    blob = MAGIC + struct.pack(">I", len(nested)) + nested + b"\x00" * 16
    with pytest.raises(DamagedFile):
        open_with_passphrase(blob, PASSPHRASE)


def test_is_encrypted_rejects_other_data() -> None:
    assert not is_encrypted(b"")
    assert not is_encrypted(b'{"groups": []}')
    assert not is_encrypted(MAGIC[:-1])
    assert not is_encrypted(os.urandom(4096))
    assert is_encrypted(MAGIC)


@pytest.mark.parametrize("blob", [b"", b'{"groups": []}', b"\x00" * 64, MAGIC])
def test_unencrypted_input_is_refused(blob: bytes, no_kdf: None) -> None:
    with pytest.raises(DamagedFile):
        open_with_passphrase(blob, PASSPHRASE)


def test_messages_are_one_line() -> None:
    for error in [WrongPassphrase(), WrongRecoveryKey(), DamagedFile(), NewerFormat()]:
        assert isinstance(error, CryptoError)
        assert str(error) and "\n" not in str(error)


# --- KDF parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("memory_kib", "iterations", "lanes"),
    [(65535, 1, 1), (2**21, 1, 1), (65536, 0, 1), (65536, 21, 1), (65536, 1, 0), (65536, 1, 9)],
)
def test_kdf_params_bounds(memory_kib: int, iterations: int, lanes: int) -> None:
    with pytest.raises(ValueError):
        KdfParams(memory_kib, iterations, lanes)


@pytest.mark.slow
def test_tune_kdf_stays_within_the_safe_bounds() -> None:
    # How long it takes is measured by bench/bench_protection.py, not asserted here.
    params = tune_kdf()
    assert params.memory_kib >= 65536
    assert 1 <= params.iterations <= 20
    assert 1 <= params.lanes <= 8


# --- property-based ----------------------------------------------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=1024), st.binary(max_size=1024).map(lambda b: MAGIC + b)))
def test_arbitrary_bytes_raise_only_crypto_error(blob: bytes) -> None:
    with pytest.raises(CryptoError):
        open_with_passphrase(blob, PASSPHRASE)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_HEADER_PATHS = [
    ("format",),
    ("cipher",),
    ("body_nonce",),
    ("kdf",),
    ("kdf", "memory_kib"),
    ("kdf", "iterations"),
    ("kdf", "lanes"),
    ("kdf", "salt"),
    ("passphrase_key",),
    ("passphrase_key", "wrapped"),
    ("recovery_key", "nonce"),
]


@settings(deadline=None, max_examples=150)
@given(
    path=st.sampled_from(_HEADER_PATHS),
    value=_json_values,
    position=st.integers(min_value=0),
    noise=st.binary(min_size=1, max_size=8),
)
def test_mutated_files_raise_only_crypto_error(
    path: tuple[str, ...], value: object, position: int, noise: bytes
) -> None:
    """Every changed file is refused with a CryptoError, by every opener; an unchanged one (the
    header value or the noise happened to equal what was there) still opens to the plaintext."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(crypto, "_argon2id", _fake_argon2id)
        unlocked, recovery = create(PASSPHRASE, FAST)
        blob = seal(PLAINTEXT, unlocked)

        def set_path(header: dict[str, Any]) -> None:
            target = header
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value

        # Re-writing an untouched header gives back the same bytes, so "unchanged" below is
        # exactly "the edit changed nothing".
        assert retamper(blob, lambda header: None) == blob
        at = position % len(blob)
        spliced = blob[:at] + noise + blob[at + len(noise) :]
        changed = [
            candidate for candidate in (retamper(blob, set_path), spliced) if candidate != blob
        ]
        assert refusals(enumerate(changed), all_openers(unlocked, recovery)) == []
        if len(changed) < 2:
            for opener in all_openers(unlocked, recovery):
                opened = opener(blob)
                assert (opened[0] if isinstance(opened, tuple) else opened) == PLAINTEXT
