"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12

# A short list of the passwords and patterns seen most in breach corpora that
# still pass a length rule. Checked case-insensitively.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012", "1234567890123", "12345678910", "111111111111", "000000000000",
        "password1234", "password123!", "passwordpassword", "qwertyuiop12",
        "qwertyuiopasdf", "qwerty123456", "iloveyou1234", "letmein12345", "welcome12345",
        "administrator", "adminadmin123", "changeme1234", "abcdefghijkl", "abc123456789",
        "football1234", "baseball1234", "sunshine1234", "princess1234", "trustno1trustno1",
        "monkey123456", "dragon123456", "superman1234", "coaching1234", "careercoach1",
        "passw0rd1234", "p@ssw0rd1234", "correcthorsebatterystaple",
    }
)

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Return why `password` is not acceptable (an empty list means it is)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        problems.append("That password is too common; choose something less guessable.")
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        problems.append("Do not use your email address in your password.")
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
