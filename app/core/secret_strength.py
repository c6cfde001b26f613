"""How guessable a secret looks, judged from the value alone.

The estimate is the size in bits of the shortest description of the value found among a few
simple models, each applied to three views of it: the characters (or bytes) themselves, the steps
between neighbours (`abcdef`, `0123`, `zyx` step by a constant) and, for text, the steps between
neighbouring keys on a US keyboard (`qwerty`, `1qaz2wsx`). Each view is written down two ways:

- one symbol at a time, at its observed frequency (the Shannon entropy of the view times its
  length), which is small when few distinct symbols are used or a few dominate;
- as literals plus copies of earlier stretches (LZ77), each copy costing the bits needed to say
  where it starts and how long it is, which is small when the value repeats itself, even
  imperfectly (`ab` * 16, `password` * 4, `secret-secret-secret-000`).

A random value has no short description, so it scores close to the most these models can give:
about length * log2(length) bits while the alphabet is larger than the length. That ceiling is
far below the true entropy of a random value (32 random bytes hold 256 bits and score about 151),
so the thresholds are set against what freshly generated values actually score, with clear
headroom, not against their true entropy.

Measured over 100,000 fresh values of each kind (lowest, mean, standard deviation):

| value                                          | lowest | mean | sd  |
|------------------------------------------------|--------|------|-----|
| secrets.token_urlsafe(48), 64 characters       |    286 |  329 | 6.2 |
| secrets.token_hex(32), 64 characters           |    218 |  244 | 4.6 |
| openssl rand -base64 32 / Render generateValue |    182 |  211 | 4.7 |
| secrets.token_urlsafe(32), 43 characters       |    176 |  204 | 4.6 |
| Fernet.generate_key(), its 32 bytes            |    137 |  151 | 2.1 |
| whsec_ secret of 32 random bytes, its bytes    |    136 |  151 | 2.1 |
| secrets.token_urlsafe(24), 32 characters       |    119 |  141 | 3.6 |
| secrets.token_hex(16), 32 characters           |     92 |  115 | 4.4 |
| whsec_ secret of 24 random bytes, its bytes    |     91 |  103 | 1.6 |
| secrets.token_urlsafe(12), 16 characters       |     42 |   55 | 2.0 |

MIN_SECRET_BITS (80) applies to secrets of at least 32 characters or 24 bytes. Every documented
way of generating one scores at least 1.7 times it (136 bits, 26 or more standard deviations
above it); the shortest random values accepted (24 bytes, 32 hex characters) sit 8 or more
standard deviations above it. MIN_SHORT_TOKEN_BITS (32) applies to bearer tokens that may be as
short as 16 characters, whose estimate cannot exceed 64: 16 random url-safe characters sit 11
standard deviations above it. Patterns score far below: `a` * 32 scores 0, `abcdef...z012345`
6, `0123456789` * 4 15, `qwertyuiop...` 19, `a1b2c3d4...` 22, `password` * 4 30;
`Password123!` * 2 scores 45, refused for a longer secret but not for a 16-character token.

What it cannot see: words and phrases (a passphrase of dictionary words scores like random text
of its length), so values that are merely unusual-looking still need to come from a generator.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import pairwise

MIN_SECRET_BITS = 80
MIN_SHORT_TOKEN_BITS = 32
# A copy shorter than this is written as literals: in random text, 3-symbol repeats are rare.
MIN_COPY_LENGTH = 3
# Earliest starts tried per position (like zlib's chain limit): bounds the work on long,
# repetitive input.
MAX_COPY_CANDIDATES = 64

_KEYBOARD_ROWS = (
    ("`1234567890-=", "~!@#$%^&*()_+"),
    ("qwertyuiop[]\\", "QWERTYUIOP{}|"),
    ("asdfghjkl;'", 'ASDFGHJKL:"'),
    ("zxcvbnm,./", "ZXCVBNM<>?"),
)
# Neighbouring keys in a row are 1 apart, rows are 100 apart; a shifted character is its key.
_KEY_POSITIONS = {
    character: row * 100 + column
    for row, keys in enumerate(_KEYBOARD_ROWS)
    for characters in keys
    for column, character in enumerate(characters)
}
# Characters not on the keyboard are placed beyond it, in code point order.
_OFF_KEYBOARD = 1000


def weakness(secret: str | bytes, *, min_length: int, min_bits: int) -> str | None:
    """What makes the secret too weak, in a few words that never quote it, or None."""
    unit = "character" if isinstance(secret, str) else "byte"
    if len(secret) < min_length:
        return f"only {_counted(len(secret), unit)} (at least {min_length} needed)"
    bits, cause = min(_descriptions(secret), key=lambda description: description[0])
    if bits >= min_bits:
        return None
    return f"{cause} (about {round(bits)} bits of entropy; at least {min_bits} needed)"


def estimated_bits(secret: str | bytes) -> float:
    """The size in bits of the shortest description of the secret the models find."""
    return min(bits for bits, _ in _descriptions(secret))


def _descriptions(secret: str | bytes) -> Iterator[tuple[float, str]]:
    """(bits, what the description exploits) for each view written each way."""
    if isinstance(secret, str):
        symbols = [ord(character) for character in secret]
        keys = [_KEY_POSITIONS.get(c, _OFF_KEYBOARD + ord(c)) for c in secret]
        views = [
            (symbols, f"only {_counted(len(set(symbols)), 'distinct character')}"),
            (_steps(symbols), "it moves in equal steps, like aaaa, abcd or 4321"),
            (_steps(keys), "it runs along neighbouring keyboard keys, like qwerty"),
        ]
    else:
        symbols = list(secret)
        views = [
            (symbols, f"only {_counted(len(set(symbols)), 'distinct byte')}"),
            (_steps(symbols), "its bytes move in equal steps, like 00 00 00 or 01 02 03"),
        ]
    for sequence, cause in views:
        yield _shannon_bits(sequence), cause
        yield _bits_with_copies(sequence), "it repeats a pattern"


def _steps(symbols: Sequence[int]) -> list[int]:
    return [after - before for before, after in pairwise(symbols)]


def _shannon_bits(symbols: Sequence[int]) -> float:
    """Bits to write each symbol at its observed frequency."""
    total = len(symbols)
    return sum(-count * math.log2(count / total) for count in Counter(symbols).values())


def _bits_with_copies(symbols: Sequence[int]) -> float:
    """Bits to write the symbols as literals plus copies of earlier stretches (LZ77).

    A copy at position i can start at any of the i earlier positions and run for up to the
    n - i remaining symbols, so it costs log2(i * (n - i)) bits; the literals are written at
    their observed frequency.
    """
    total = len(symbols)
    starts: dict[tuple[int, ...], list[int]] = {}
    for position in range(total - MIN_COPY_LENGTH + 1):
        starts.setdefault(tuple(symbols[position : position + MIN_COPY_LENGTH]), []).append(
            position
        )
    literals: list[int] = []
    copy_bits = 0.0
    position = 0
    while position < total:
        length = _longest_earlier_match(symbols, position, starts)
        if length >= MIN_COPY_LENGTH:
            copy_bits += math.log2(position * (total - position))
            position += length
        else:
            literals.append(symbols[position])
            position += 1
    return _shannon_bits(literals) + copy_bits


def _longest_earlier_match(
    symbols: Sequence[int], position: int, starts: dict[tuple[int, ...], list[int]]
) -> int:
    """Length of the longest stretch at `position` that also starts earlier (it may overlap)."""
    key = tuple(symbols[position : position + MIN_COPY_LENGTH])
    longest = 0
    for start in starts.get(key, [])[:MAX_COPY_CANDIDATES]:
        if start >= position:
            break
        length = 0
        while position + length < len(symbols) and (
            symbols[start + length] == symbols[position + length]
        ):
            length += 1
        longest = max(longest, length)
    return longest


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
