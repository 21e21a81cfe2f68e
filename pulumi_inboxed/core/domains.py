"""Domain-name checks shared by every provider, done with the `idna` package (IDNA 2008, UTS 46).

`normalize_domain` turns what a user wrote ("Bücher.Example", "EXAMPLE.com.") into the A-label
form APIs expect ("xn--bcher-kva.example", "example.com"), or raises `DomainNameError` naming the
domain and the reason.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import idna

MAX_DOMAIN_LENGTH = 253
MAX_LABEL_LENGTH = 63


class DomainNameError(ValueError):
    def __init__(self, domain: str, reason: str) -> None:
        self.domain = domain
        self.reason = reason
        super().__init__(f"{domain!r}: {reason}")


def normalize_domain(raw: str) -> str:
    if not isinstance(raw, str):
        raise DomainNameError(repr(raw), "is not a string")
    name = raw.strip()
    if name.endswith("."):
        name = name[:-1]
    if not name:
        raise DomainNameError(raw, "is empty")
    if any(ch.isspace() for ch in name):
        raise DomainNameError(raw, "contains white space")
    labels = name.split(".")
    if len(labels) < 2:
        raise DomainNameError(raw, "needs at least two labels (a name and a TLD)")
    for label in labels:
        if not label:
            raise DomainNameError(raw, "has an empty label (two dots in a row)")
    if name.isascii():  # say how long, before IDNA says only "too long"
        _check_lengths(raw, name.lower())
    try:
        ascii_name = idna.encode(name, uts46=True, std3_rules=True).decode("ascii")
    except idna.IDNAError as exc:
        raise DomainNameError(raw, f"is not a valid IDNA name ({exc})") from None
    _check_lengths(raw, ascii_name)
    tld = ascii_name.rsplit(".", 1)[1]
    if tld.isdigit():
        raise DomainNameError(raw, "has a numeric TLD (an IP address is not a domain)")
    return ascii_name


def _check_lengths(raw: str, ascii_name: str) -> None:
    for label in ascii_name.split("."):
        if len(label) > MAX_LABEL_LENGTH:
            raise DomainNameError(
                raw, f"label {label!r} is {len(label)} characters; at most {MAX_LABEL_LENGTH}"
            )
    if len(ascii_name) > MAX_DOMAIN_LENGTH:
        raise DomainNameError(
            raw, f"is {len(ascii_name)} characters as A-labels; at most {MAX_DOMAIN_LENGTH}"
        )


@dataclass(frozen=True)
class DomainListProblem:
    index: int
    domain: str
    reason: str


def check_domain_list(
    domains: Sequence[object], *, max_count: int | None = None
) -> tuple[list[str], list[DomainListProblem]]:
    """Normalizes a list; returns (normalized, problems). Duplicates are problems, named by both."""
    normalized: list[str] = []
    problems: list[DomainListProblem] = []
    first_seen: dict[str, int] = {}
    if max_count is not None and len(domains) > max_count:
        problems.append(
            DomainListProblem(-1, "", f"has {len(domains)} domains; at most {max_count}")
        )
    for i, raw in enumerate(domains):
        try:
            name = normalize_domain(raw)  # type: ignore[arg-type]
        except DomainNameError as exc:
            problems.append(DomainListProblem(i, exc.domain, exc.reason))
            continue
        if name in first_seen:
            problems.append(
                DomainListProblem(
                    i, str(raw), f"is a duplicate of entry {first_seen[name]} ({name})"
                )
            )
            continue
        first_seen[name] = i
        normalized.append(name)
    return normalized, problems


def unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


# Scripts that may share one label (Unicode TS 39, "highly restrictive"): Latin with the
# Japanese, Chinese or Korean scripts. Any other mix (Latin with Cyrillic or Greek, say) is how
# look-alike names are made: "apple-pay.com" spelt with a Cyrillic a.
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)


def _script(ch: str) -> str | None:
    """The script of a letter, from its Unicode name ("CYRILLIC SMALL LETTER A" -> CYRILLIC);
    None for digits, hyphens and marks, which go with any script."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0]
    if first == "CJK":
        return "HAN"
    return first or None


def mixed_script_label(ascii_name: str) -> tuple[str, list[str]] | None:
    """The first label of a (normalized) name that mixes scripts, with the scripts; or None."""
    for label in ascii_name.split("."):
        text = idna.decode(label) if label.startswith("xn--") else label
        scripts = sorted({s for s in (_script(ch) for ch in text) if s is not None})
        if len(scripts) > 1 and not any(set(scripts) <= mix for mix in _ALLOWED_MIXES):
            return text, scripts
    return None
