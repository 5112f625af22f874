"""What the stores keep instead of ids and answers: keyed hashes, and text sealed per session.

* Chat and user keys (``tg:<chat id>``, ``tg-user:<user id>``) are only ever looked up by equality,
  so the tables hold ``HMAC-SHA256(id_secret, key)`` instead (:meth:`Sealer.hash`): a copy of the
  database without the secret does not say who talked to the bot.
* Each session's state is encrypted (AES-256-GCM, from ``cryptography``) with a data key of its
  own, kept in its own table (``session_keys``). ``/forget`` deletes the keys with the sessions:
  any copy of the old rows left in a free page, a write-ahead log or a backup is ciphertext whose
  key no longer exists (crypto-shredding). The session's hashed key is the associated data, so a
  sealed state cannot be moved to another row.

The data keys are themselves stored wrapped (AES-GCM under a key derived from ``id_secret``), so
a copy of the database files alone never holds a usable key, deleted or not.

Why a key per session rather than per user: the owner of a row may be unknown (a group's
anonymous admins) or change, and a per-session key needs no lookup of the owner on every save;
``/forget`` deletes the keys of every session the user owns, which is the same erasure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.storage.base import StoreError

__all__ = ["DEFAULT_ID_SECRET", "HASH_PREFIX", "SEAL_PREFIX", "SealedStateError", "Sealer"]

HASH_PREFIX = "h1:"
SEAL_PREFIX = "e1:"
DEFAULT_ID_SECRET = b"ipbot-default-id-secret"
"""Only for a store opened without a secret (the console, tools): replicas derive theirs (bot.settings)."""


class SealedStateError(StoreError):
    """A sealed state that its key does not open (tampered with, or moved from another row)."""


class Sealer:
    """Hashes keys with the id secret; seals and opens states with per-session data keys."""

    def __init__(self, id_secret: bytes | None = None) -> None:
        self._secret = id_secret or DEFAULT_ID_SECRET
        self._wrap = AESGCM(hmac.new(self._secret, b"ipbot-key-wrap", hashlib.sha256).digest())

    def wrap(self, hashed_key: str, data_key: bytes) -> bytes:
        """A data key as it is stored: encrypted under the secret's wrapping key, bound to its session."""
        nonce = os.urandom(12)
        return nonce + self._wrap.encrypt(nonce, data_key, hashed_key.encode())

    def unwrap(self, hashed_key: str, stored: bytes) -> bytes:
        try:
            return self._wrap.decrypt(stored[:12], stored[12:], hashed_key.encode())
        except InvalidTag as exc:
            raise SealedStateError(f"the key of {hashed_key} does not open with this id secret") from exc

    def hash(self, key: str) -> str:
        """The stored form of a session or owner key ("" stays "": no owner); idempotent."""
        if not key or key.startswith(HASH_PREFIX):
            return key
        return HASH_PREFIX + hmac.new(self._secret, key.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def new_key() -> bytes:
        return AESGCM.generate_key(bit_length=256)

    @staticmethod
    def seal(data_key: bytes, hashed_key: str, text: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(data_key).encrypt(nonce, text.encode("utf-8"), hashed_key.encode())
        return SEAL_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    @staticmethod
    def open(data_key: bytes, hashed_key: str, stored: str) -> str:
        raw = base64.b64decode(stored[len(SEAL_PREFIX):])
        try:
            return AESGCM(data_key).decrypt(raw[:12], raw[12:], hashed_key.encode()).decode("utf-8")
        except InvalidTag as exc:
            raise SealedStateError(f"the stored state of {hashed_key} does not open with its key") from exc

    @staticmethod
    def is_sealed(stored: str) -> bool:
        return stored.startswith(SEAL_PREFIX)
