"""Optional passphrase encryption at rest for the voicesgroup data file.

The whole plaintext is sealed with AES-256-GCM under a random 32-byte data key. The data key is
stored twice in the file header: wrapped by a key derived from the passphrase with Argon2id, and
wrapped by a random recovery key that the person is shown once.

File layout::

    MAGIC                      b"VOICESGROUP-ENC\\n"
    header length              4 bytes, big-endian, at most 64 KiB
    header                     canonical JSON (sorted keys, no spaces, ASCII)
    body                       AES-256-GCM ciphertext + 16-byte tag

The body's associated data is everything before it (magic, length and header bytes), so changing
any header value makes the body fail to open. Header values are checked against fixed bounds
before any key derivation runs, so a tampered header can neither weaken the KDF below the floor
nor demand absurd memory or time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import os
import struct
import time
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from voicesgroup.store.storage import ENCRYPTED_MAGIC

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "CryptoError",
    "DamagedFile",
    "KdfParams",
    "NewerFormat",
    "Unlocked",
    "WrongPassphrase",
    "WrongRecoveryKey",
    "change_passphrase",
    "create",
    "is_encrypted",
    "open_sealed",
    "open_with_passphrase",
    "open_with_recovery_key",
    "seal",
    "tune_kdf",
    "unlock_with_passphrase",
]

MAGIC = ENCRYPTED_MAGIC
FORMAT_VERSION = 1

MIN_MEMORY_KIB = 64 * 1024
MAX_MEMORY_KIB = 1024 * 1024
MIN_ITERATIONS = 1
MAX_ITERATIONS = 20
MIN_LANES = 1
MAX_LANES = 8
MIN_SALT_BYTES = 16
MAX_SALT_BYTES = 64
MAX_HEADER_BYTES = 64 * 1024

_KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_SALT_BYTES = 16
_WRAPPED_KEY_BYTES = _KEY_BYTES + _TAG_BYTES
_LENGTH = struct.Struct(">I")
_PREFIX_BYTES = len(MAGIC) + _LENGTH.size

_CIPHER_NAME = "AES-256-GCM"
_KDF_NAME = "argon2id"
# Distinct associated data per wrap slot so a wrapped key can never be accepted in the other slot.
_PASSPHRASE_WRAP_AD = b"voicesgroup passphrase wrap v1"
_RECOVERY_WRAP_AD = b"voicesgroup recovery wrap v1"
_RECOVERY_HKDF_INFO = b"voicesgroup recovery wrapping key v1"

_RECOVERY_CHECK_BYTES = 3
_RECOVERY_GROUP = 4
_B32_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
# Digits people are likely to type for letters that look alike; base32 never uses 0, 1 or 8.
_B32_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})
_RECOVERY_SEPARATORS = frozenset("-_.\u2010\u2011\u2012\u2013\u2014\u2212")

_TOP_KEYS = frozenset({"format", "cipher", "kdf", "passphrase_key", "recovery_key", "body_nonce"})
_KDF_KEYS = frozenset({"name", "memory_kib", "iterations", "lanes", "salt"})
_WRAP_KEYS = frozenset({"nonce", "wrapped"})

_MSG_WRONG_PASSPHRASE = "That passphrase does not open this file."
_MSG_WRONG_RECOVERY = "That recovery key does not open this file."
_MSG_BAD_RECOVERY = "That does not look like a recovery key; please check it for typos."
_MSG_NOT_ENCRYPTED = "This is not an encrypted voicesgroup file, or its start is damaged."
_MSG_DAMAGED = "This encrypted file is damaged or has been altered, so it cannot be opened."
_MSG_BAD_HEADER = "This encrypted file's header is damaged or has been altered."
_MSG_UNSAFE_KDF = (
    "This encrypted file asks for unsafe key settings; it may have been altered, so it was not "
    "opened."
)
_MSG_NEWER = "This file was made by a newer version of voicesgroup; please update to open it."
_MSG_EMPTY_PASSPHRASE = "The passphrase cannot be empty."


class CryptoError(Exception):
    """Base error for this module; ``str(e)`` is a clear one-line message for a person."""


class WrongPassphrase(CryptoError):
    """The secret the person typed does not open this file."""

    def __init__(self, message: str = _MSG_WRONG_PASSPHRASE) -> None:
        super().__init__(message)


class WrongRecoveryKey(WrongPassphrase):
    """The recovery key is malformed (typo) or does not open this file."""

    def __init__(self, message: str = _MSG_WRONG_RECOVERY) -> None:
        super().__init__(message)


class DamagedFile(CryptoError):
    """The file is truncated, altered, or not an encrypted voicesgroup file at all."""

    def __init__(self, message: str = _MSG_DAMAGED) -> None:
        super().__init__(message)


class NewerFormat(CryptoError):
    """The file was written by a newer version of voicesgroup than this one."""

    def __init__(self, message: str = _MSG_NEWER) -> None:
        super().__init__(message)


def _kdf_problem(memory_kib: object, iterations: object, lanes: object) -> str | None:
    """Describe why KDF parameters are out of bounds, or return None if they are acceptable."""
    for name, value, low, high in (
        ("memory_kib", memory_kib, MIN_MEMORY_KIB, MAX_MEMORY_KIB),
        ("iterations", iterations, MIN_ITERATIONS, MAX_ITERATIONS),
        ("lanes", lanes, MIN_LANES, MAX_LANES),
    ):
        # type() rather than isinstance(): bool is an int subclass and True is no iteration count.
        if type(value) is not int or not low <= value <= high:
            return f"The {name} must be an integer in {low}..{high}, got {value!r}"
    return None


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost settings for deriving the passphrase wrapping key."""

    memory_kib: int
    iterations: int
    lanes: int

    def __post_init__(self) -> None:
        problem = _kdf_problem(self.memory_kib, self.iterations, self.lanes)
        if problem is not None:
            raise ValueError(problem)


@dataclass
class Unlocked:
    """An opened file's data key and header: enough to re-seal without re-deriving any key."""

    # Kept out of repr so the key never lands in logs or tracebacks by accident.
    data_key: bytes = field(repr=False)
    header: dict[str, Any]

    def __post_init__(self) -> None:
        if not isinstance(self.data_key, bytes) or len(self.data_key) != _KEY_BYTES:
            raise ValueError(f"The data key must be {_KEY_BYTES} bytes")


@dataclass(frozen=True)
class _Header:
    kdf: KdfParams
    salt: bytes
    passphrase_nonce: bytes
    passphrase_wrapped: bytes
    recovery_nonce: bytes
    recovery_wrapped: bytes
    body_nonce: bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "cipher": _CIPHER_NAME,
            "kdf": {
                "name": _KDF_NAME,
                "memory_kib": self.kdf.memory_kib,
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
                "salt": _b64(self.salt),
            },
            "passphrase_key": {
                "nonce": _b64(self.passphrase_nonce),
                "wrapped": _b64(self.passphrase_wrapped),
            },
            "recovery_key": {
                "nonce": _b64(self.recovery_nonce),
                "wrapped": _b64(self.recovery_wrapped),
            },
            "body_nonce": _b64(self.body_nonce),
        }


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(value: object, min_len: int, max_len: int) -> bytes:
    if not isinstance(value, str) or not value.isascii():
        raise DamagedFile(_MSG_BAD_HEADER)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DamagedFile(_MSG_BAD_HEADER) from exc
    # Only the canonical spelling is accepted, so each value has exactly one byte form.
    if _b64(raw) != value or not min_len <= len(raw) <= max_len:
        raise DamagedFile(_MSG_BAD_HEADER)
    return raw


def _section(value: object, keys: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict) or value.keys() != keys:
        raise DamagedFile(_MSG_BAD_HEADER)
    return value


def _header_from_dict(data: object) -> _Header:
    """Validate an untrusted header mapping; every bound is checked before any KDF can run."""
    if not isinstance(data, dict):
        raise DamagedFile(_MSG_BAD_HEADER)
    # The version is checked first so a newer file reports "newer" rather than "damaged".
    version = data.get("format")
    if type(version) is int and version > FORMAT_VERSION:
        raise NewerFormat()
    if type(version) is not int or version != FORMAT_VERSION:
        raise DamagedFile(_MSG_BAD_HEADER)
    top = _section(data, _TOP_KEYS)
    if top["cipher"] != _CIPHER_NAME:
        raise DamagedFile(_MSG_BAD_HEADER)
    kdf = _section(top["kdf"], _KDF_KEYS)
    if kdf["name"] != _KDF_NAME:
        raise DamagedFile(_MSG_BAD_HEADER)
    if _kdf_problem(kdf["memory_kib"], kdf["iterations"], kdf["lanes"]) is not None:
        raise DamagedFile(_MSG_UNSAFE_KDF)
    passphrase_key = _section(top["passphrase_key"], _WRAP_KEYS)
    recovery_key = _section(top["recovery_key"], _WRAP_KEYS)
    return _Header(
        kdf=KdfParams(kdf["memory_kib"], kdf["iterations"], kdf["lanes"]),
        salt=_unb64(kdf["salt"], MIN_SALT_BYTES, MAX_SALT_BYTES),
        passphrase_nonce=_unb64(passphrase_key["nonce"], _NONCE_BYTES, _NONCE_BYTES),
        passphrase_wrapped=_unb64(
            passphrase_key["wrapped"], _WRAPPED_KEY_BYTES, _WRAPPED_KEY_BYTES
        ),
        recovery_nonce=_unb64(recovery_key["nonce"], _NONCE_BYTES, _NONCE_BYTES),
        recovery_wrapped=_unb64(recovery_key["wrapped"], _WRAPPED_KEY_BYTES, _WRAPPED_KEY_BYTES),
        body_nonce=_unb64(top["body_nonce"], _NONCE_BYTES, _NONCE_BYTES),
    )


def _split(blob: bytes) -> tuple[_Header, bytes, bytes]:
    """Split a blob into (validated header, associated data, body) without any key work."""
    blob = bytes(blob)
    if len(blob) < _PREFIX_BYTES or not blob.startswith(MAGIC):
        raise DamagedFile(_MSG_NOT_ENCRYPTED)
    (header_len,) = _LENGTH.unpack_from(blob, len(MAGIC))
    if header_len > MAX_HEADER_BYTES:
        raise DamagedFile(_MSG_BAD_HEADER)
    body_start = _PREFIX_BYTES + header_len
    if len(blob) < body_start + _TAG_BYTES:
        raise DamagedFile(_MSG_DAMAGED)
    try:
        data = json.loads(blob[_PREFIX_BYTES:body_start].decode("ascii"))
    # RecursionError: a deeply nested header must be refused, not crash the caller.
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DamagedFile(_MSG_BAD_HEADER) from exc
    return _header_from_dict(data), blob[:body_start], blob[body_start:]


def _pack(header: _Header) -> bytes:
    header_bytes = json.dumps(
        header.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")
    return MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes


def _passphrase_bytes(passphrase: str) -> bytes:
    # NFC so the same passphrase typed through different keyboards/OSes gives the same bytes;
    # surrogatepass so any str maps to bytes rather than raising on odd input.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")


def _argon2id(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    try:
        return Argon2id(
            salt=salt,
            length=_KEY_BYTES,
            iterations=params.iterations,
            lanes=params.lanes,
            memory_cost=params.memory_kib,
        ).derive(secret)
    except UnsupportedAlgorithm as exc:
        raise CryptoError(
            "This system's cryptography library lacks Argon2id, so encrypted files cannot be used."
        ) from exc
    except MemoryError as exc:
        needed_mib = params.memory_kib // 1024
        raise CryptoError(
            f"Not enough free memory to unlock this file (it needs {needed_mib} MiB)."
        ) from exc


def _derive_passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return _argon2id(_passphrase_bytes(passphrase), salt, params)


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """A 32-byte key from a passphrase, by the same Argon2id as the data file's (the
    exchange's keys, `voicesgroup.exchange.outbox`)."""
    return _argon2id(_passphrase_bytes(passphrase), salt, params)


def _recovery_wrapping_key(recovery_key: bytes) -> bytes:
    # The recovery key is already uniformly random, so HKDF only separates its use from any other.
    return HKDF(
        algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None, info=_RECOVERY_HKDF_INFO
    ).derive(recovery_key)


def _wrap(wrapping_key: bytes, data_key: bytes, ad: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce, AESGCM(wrapping_key).encrypt(nonce, data_key, ad)


def _unwrap(wrapping_key: bytes, nonce: bytes, wrapped: bytes, ad: bytes) -> bytes | None:
    try:
        return AESGCM(wrapping_key).decrypt(nonce, wrapped, ad)
    except InvalidTag:
        return None


def _format_recovery_key(key: bytes) -> str:
    check = hashlib.sha256(key).digest()[:_RECOVERY_CHECK_BYTES]
    # 32 + 3 bytes = 280 bits = exactly 56 base32 characters, so there is no padding to type.
    text = base64.b32encode(key + check).decode("ascii")
    return "-".join(text[i : i + _RECOVERY_GROUP] for i in range(0, len(text), _RECOVERY_GROUP))


def _parse_recovery_key(text: str) -> bytes:
    if not isinstance(text, str):
        raise WrongRecoveryKey(_MSG_BAD_RECOVERY)
    cleaned = "".join(
        ch for ch in text if not ch.isspace() and ch not in _RECOVERY_SEPARATORS
    ).upper()
    cleaned = cleaned.translate(_B32_LOOKALIKES)
    expected_len = (_KEY_BYTES + _RECOVERY_CHECK_BYTES) * 8 // 5
    if len(cleaned) != expected_len or not set(cleaned) <= _B32_ALPHABET:
        raise WrongRecoveryKey(_MSG_BAD_RECOVERY)
    raw = base64.b32decode(cleaned)
    key, check = raw[:_KEY_BYTES], raw[_KEY_BYTES:]
    # The checksum tells a typo apart from a real key that belongs to some other file.
    if hashlib.sha256(key).digest()[:_RECOVERY_CHECK_BYTES] != check:
        raise WrongRecoveryKey(_MSG_BAD_RECOVERY)
    return key


def _check_new_passphrase(passphrase: str) -> None:
    if not isinstance(passphrase, str) or not passphrase:
        raise CryptoError(_MSG_EMPTY_PASSPHRASE)


def _passphrase_slot(
    passphrase: str, data_key: bytes, kdf: KdfParams
) -> tuple[bytes, bytes, bytes]:
    salt = os.urandom(_SALT_BYTES)
    nonce, wrapped = _wrap(
        _derive_passphrase_key(passphrase, salt, kdf), data_key, _PASSPHRASE_WRAP_AD
    )
    return salt, nonce, wrapped


def is_encrypted(blob: bytes) -> bool:
    """Return True if ``blob`` starts like an encrypted voicesgroup file (no validation)."""
    return bytes(blob[: len(MAGIC)]) == MAGIC


def _time_derivation(params: KdfParams) -> float:
    """The processor time of one derivation: with one lane it runs on one core, so the wall
    time of an unlock is never less, and other work on the laptop barely changes it."""
    salt = os.urandom(_SALT_BYTES)
    start = time.process_time()
    _argon2id(b"voicesgroup kdf tuning", salt, params)
    return time.process_time() - start


UNLOCK_SECONDS = 0.5
"""The least time one unlock takes on the laptop the passphrase was set on (README: Keeping data
safe); a guess at the passphrase costs an attacker that much on the same machine."""

TUNING_SAMPLES = 3
"""Each probe is timed this many times and the fastest kept: other work on the laptop only ever
slows a run down, so the fastest is what the derivation costs when the laptop is quiet."""


def _fastest(params: KdfParams) -> float:
    return max(min(_time_derivation(params) for _ in range(TUNING_SAMPLES)), 1e-6)


def tune_kdf(target_seconds: float = UNLOCK_SECONDS, memory_kib: int = MIN_MEMORY_KIB) -> KdfParams:
    """Pick Argon2id settings so one derivation takes at least ``target_seconds`` on this
    machine when it is quiet (longer while it is busy).

    The cost is measured in processor time on one lane, not guessed from one run: the fastest of
    a few runs at one and at three iterations gives the fixed part and the part per iteration,
    the iteration count is rounded up from them, and the choice is timed again and raised until
    it reaches the target. An unlock waits at least that processor time, and neither load on the
    machine while tuning nor the order of runs changes the choice much. Memory stays at
    ``memory_kib`` unless even the maximum iteration count is too fast, in which case it is
    doubled (up to the 1 GiB bound).
    """
    if not target_seconds > 0:
        raise ValueError("The target seconds must be positive")
    KdfParams(memory_kib, MIN_ITERATIONS, MIN_LANES)  # validates memory_kib
    # One lane: the derivation then runs on one core, its processor time is what an unlock
    # waits at least, and that time hardly depends on what else the laptop is doing.
    lanes = MIN_LANES
    memory = memory_kib
    while True:
        one = _fastest(KdfParams(memory, 1, lanes))
        three = _fastest(KdfParams(memory, 3, lanes))
        per_iteration = max((three - one) / 2, 1e-6)
        fixed = max(one - per_iteration, 0.0)
        iterations = max(MIN_ITERATIONS, math.ceil((target_seconds - fixed) / per_iteration))
        while iterations <= MAX_ITERATIONS:
            taken = _fastest(KdfParams(memory, iterations, lanes))
            if taken >= target_seconds:
                return KdfParams(memory, iterations, lanes)
            iterations += max(1, math.ceil((target_seconds - taken) / per_iteration))
        if memory * 2 > MAX_MEMORY_KIB:
            return KdfParams(memory, MAX_ITERATIONS, lanes)
        memory *= 2


def create(passphrase: str, kdf: KdfParams | None = None) -> tuple[Unlocked, str]:
    """Start encrypting: make a new data key wrapped by ``passphrase`` and by a new recovery key.

    Returns the ``Unlocked`` state to pass to :func:`seal` and the recovery key as a string such as
    ``"ABCD-EFGH-..."`` that must be shown to the person exactly once. ``kdf=None`` runs
    :func:`tune_kdf` (about a second or two).
    """
    _check_new_passphrase(passphrase)
    params = kdf if kdf is not None else tune_kdf()
    data_key = os.urandom(_KEY_BYTES)
    recovery_key = os.urandom(_KEY_BYTES)
    salt, pass_nonce, pass_wrapped = _passphrase_slot(passphrase, data_key, params)
    rec_nonce, rec_wrapped = _wrap(
        _recovery_wrapping_key(recovery_key), data_key, _RECOVERY_WRAP_AD
    )
    header = _Header(
        kdf=params,
        salt=salt,
        passphrase_nonce=pass_nonce,
        passphrase_wrapped=pass_wrapped,
        recovery_nonce=rec_nonce,
        recovery_wrapped=rec_wrapped,
        # Placeholder only: every seal() writes a fresh body nonce.
        body_nonce=bytes(_NONCE_BYTES),
    )
    return Unlocked(data_key, header.to_dict()), _format_recovery_key(recovery_key)


def seal(plaintext: bytes, unlocked: Unlocked) -> bytes:
    """Encrypt ``plaintext`` into a complete file blob with a fresh nonce; no KDF runs here."""
    # Re-validating means we never write a file that we would refuse to read back.
    header = _header_from_dict(unlocked.header)
    # Random 96-bit nonces under one key are safe for ~2**32 seals, far beyond a local app's use.
    header = replace(header, body_nonce=os.urandom(_NONCE_BYTES))
    prefix = _pack(header)
    if len(prefix) - _PREFIX_BYTES > MAX_HEADER_BYTES:
        raise CryptoError("The encryption header is too large to write.")
    return prefix + AESGCM(unlocked.data_key).encrypt(header.body_nonce, bytes(plaintext), prefix)


def _open_body(header: _Header, ad: bytes, body: bytes, data_key: bytes) -> bytes:
    try:
        return AESGCM(data_key).decrypt(header.body_nonce, body, ad)
    except InvalidTag as exc:
        raise DamagedFile(_MSG_DAMAGED) from exc


def unlock_with_passphrase(blob: bytes, passphrase: str) -> Unlocked:
    """Recover the data key from the header using ``passphrase``; the body is not checked.

    Use :func:`open_sealed` afterwards to decrypt, or :func:`open_with_passphrase` for both.
    """
    header, _ad, _body = _split(blob)
    wrapping_key = _derive_passphrase_key(passphrase, header.salt, header.kdf)
    data_key = _unwrap(
        wrapping_key, header.passphrase_nonce, header.passphrase_wrapped, _PASSPHRASE_WRAP_AD
    )
    if data_key is None:
        raise WrongPassphrase()
    return Unlocked(data_key, header.to_dict())


def open_sealed(blob: bytes, unlocked: Unlocked) -> bytes:
    """Decrypt ``blob`` with an already known data key, e.g. to verify what was just written."""
    header, ad, body = _split(blob)
    return _open_body(header, ad, body, unlocked.data_key)


def open_with_passphrase(blob: bytes, passphrase: str) -> tuple[bytes, Unlocked]:
    """Decrypt ``blob`` with ``passphrase``; returns the plaintext and the state to re-seal with."""
    unlocked = unlock_with_passphrase(blob, passphrase)
    return open_sealed(blob, unlocked), unlocked


def open_with_recovery_key(blob: bytes, recovery_key: str) -> tuple[bytes, Unlocked]:
    """Decrypt ``blob`` with the recovery key string (spaces, case and dashes are ignored).

    Usually followed by :func:`change_passphrase`, since the passphrase has been forgotten.
    """
    header, ad, body = _split(blob)
    key = _parse_recovery_key(recovery_key)
    data_key = _unwrap(
        _recovery_wrapping_key(key),
        header.recovery_nonce,
        header.recovery_wrapped,
        _RECOVERY_WRAP_AD,
    )
    if data_key is None:
        raise WrongRecoveryKey()
    return _open_body(header, ad, body, data_key), Unlocked(data_key, header.to_dict())


def change_passphrase(
    unlocked: Unlocked, new_passphrase: str, kdf: KdfParams | None = None
) -> Unlocked:
    """Re-wrap the data key under ``new_passphrase``; the recovery key keeps working.

    ``kdf=None`` keeps the file's current Argon2id settings. The data key itself is unchanged, so
    an old copy of the file plus the old passphrase still reveals it: if the old passphrase may
    have leaked, start over with :func:`create` (new data key and recovery key) instead. Call
    :func:`seal` with the returned state to write the file.
    """
    _check_new_passphrase(new_passphrase)
    header = _header_from_dict(unlocked.header)
    params = kdf if kdf is not None else header.kdf
    salt, nonce, wrapped = _passphrase_slot(new_passphrase, unlocked.data_key, params)
    header = replace(
        header, kdf=params, salt=salt, passphrase_nonce=nonce, passphrase_wrapped=wrapped
    )
    return Unlocked(unlocked.data_key, header.to_dict())
