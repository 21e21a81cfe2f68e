"""What MailChannels Inbound accepts in a domain object: RFC 5891 names, settings, downstream
addresses, aliases, admins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import idna

from pulumi_inboxed.mailchannels import endpoints as ep


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid RFC 5891 domain name (IDNA 2008), or None."""
    if not name or len(name) > 253 or "." not in name.strip("."):
        return "is not a domain name of two or more labels"
    try:
        idna.encode(name, uts46=True, std3_rules=True)
    except idna.IDNAError as exc:
        return f"fails RFC 5891 ({exc})"
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def sections_problems(entry: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The sections of a domain object (``downstreamAddress`` accepted for the batch page's
    spelling), and what is wrong with them."""
    problems: list[str] = []
    sections: dict[str, Any] = {}
    settings = entry.get("settings")
    if settings is not None:
        if not isinstance(settings, Mapping):
            problems.append("settings must be an object")
        else:
            policy = settings.get("abusePolicy")
            if policy is not None and policy not in ep.ABUSE_POLICIES:
                problems.append(
                    f"settings.abusePolicy must be one of {', '.join(ep.ABUSE_POLICIES)}"
                )
            if policy == "flag":
                for key in ("spamHeaderName", "spamHeaderValue"):
                    if not settings.get(key):
                        problems.append(f"settings.{key} is required when abusePolicy is 'flag'")
            keys = ("abusePolicy", "abusePolicyOverride", "spamHeaderName", "spamHeaderValue")
            sections["settings"] = {k: settings[k] for k in keys if settings.get(k) is not None}
    addresses = entry.get("downstreamAddresses")
    if addresses is None:
        addresses = entry.get("downstreamAddress")
    if addresses is not None:
        if not isinstance(addresses, list):
            problems.append("downstreamAddresses must be a list")
        else:
            clean: list[dict[str, Any]] = []
            for i, addr in enumerate(addresses):
                at = f"downstreamAddresses[{i}]"
                if not isinstance(addr, Mapping):
                    problems.append(f"{at} must be an object")
                    continue
                values = {k: _int(addr.get(k)) for k in ("priority", "weight", "port")}
                for key, value in values.items():
                    if value is None or value < 0:
                        problems.append(f"{at}.{key} must be a whole number >= 0")
                port = values["port"]
                if port is not None and not 1 <= port <= 65535:
                    problems.append(f"{at}.port must be 1 to 65535")
                target = addr.get("target")
                if not isinstance(target, str) or not target.endswith("."):
                    problems.append(f"{at}.target must be a hostname ending in a dot")
                elif len(target) > ep.MAX_TARGET_LENGTH:
                    problems.append(f"{at}.target is longer than {ep.MAX_TARGET_LENGTH}")
                clean.append({**values, "target": target})
            sections["downstreamAddresses"] = clean
    for key, check in (("aliases", name_problem), ("admins", _admin_problem)):
        items = entry.get(key)
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            problems.append(f"{key} must be a list of strings")
            continue
        for i, item in enumerate(items):
            problem = check(item)
            if problem:
                problems.append(f"{key}[{i}] {item!r} {problem}")
        sections[key] = list(items)
    return sections, problems


def _admin_problem(address: str) -> str | None:
    local, at, domain = address.partition("@")
    if not at or not local or name_problem(domain):
        return "is not an email address"
    return None
