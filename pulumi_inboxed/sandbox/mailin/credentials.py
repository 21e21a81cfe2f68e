"""Secrets the Mailin.ai sandbox hands out: API tokens, mailbox passwords, TOTP secrets.

Nothing here is ever logged. API tokens are stored as a SHA-256 of their secret part only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import struct

TOKEN_SECRET_LENGTH = 40
GENERATED_PASSWORD_LENGTH = 16  # within the 12-16 characters Mailin.ai's own passwords have
TOTP_STEP_SECONDS = 30
TOTP_DIGITS = 6
ALPHANUMERIC = string.ascii_letters + string.digits
PASSWORD_SYMBOLS = "!#%+-=@_"


def token_secret() -> str:
    """The part after ``<id>|`` of a Sanctum-style token: 40 random letters and digits."""
    return "".join(secrets.choice(ALPHANUMERIC) for _ in range(TOKEN_SECRET_LENGTH))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def split_token(token: str) -> tuple[int, str] | None:
    """``"12|abc..."`` -> ``(12, "abc...")``; None when it is not shaped so."""
    head, bar, secret = token.partition("|")
    if not bar or not head.isdigit() or not secret:
        return None
    return int(head), secret


def generate_password() -> str:
    """16 characters with at least one lower-case letter, upper-case letter, digit and symbol."""
    pools = (string.ascii_lowercase, string.ascii_uppercase, string.digits, PASSWORD_SYMBOLS)
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(GENERATED_PASSWORD_LENGTH - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def totp_secret() -> str:
    """32 lower-case base32 characters (160 bits), as the credentials example shows."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()


def app_password() -> str:
    """Four groups of four lower-case letters, like a Google app password."""
    letters = string.ascii_lowercase
    return " ".join("".join(secrets.choice(letters) for _ in range(4)) for _ in range(4))


def totp(secret: str, now: float) -> tuple[str, int]:
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits) code of ``secret`` at ``now``, and when it expires
    (epoch seconds), so a client may check it against any authenticator library."""
    counter = int(now // TOTP_STEP_SECONDS)
    key = base64.b32decode(secret.upper())
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    code = str(value % 10**TOTP_DIGITS).zfill(TOTP_DIGITS)
    return code, (counter + 1) * TOTP_STEP_SECONDS
