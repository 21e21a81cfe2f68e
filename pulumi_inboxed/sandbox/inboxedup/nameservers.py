"""The Cloudflare-style nameserver pairs the sandbox hands out, chosen from the domain name."""

from __future__ import annotations

import hashlib

NS_PAIRS: tuple[tuple[str, str], ...] = (
    ("ajay.ns.cloudflare.com", "braelyn.ns.cloudflare.com"),
    ("aspen.ns.cloudflare.com", "kobe.ns.cloudflare.com"),
    ("dana.ns.cloudflare.com", "pablo.ns.cloudflare.com"),
    ("elliot.ns.cloudflare.com", "nina.ns.cloudflare.com"),
)

# What verify-ns finds when the sandbox pretends the registrar still serves its own nameservers.
UNPROPAGATED_NS: tuple[str, str] = (
    "ns1.registrar-parking.example",
    "ns2.registrar-parking.example",
)


def ns_pair_for(domain: str) -> tuple[str, str]:
    """A stable pair for a name: the same in every process (unlike ``hash()``).

    SHA-256 rather than crc32: crc32 is linear, so names that differ in one character (``a-1.com``,
    ``a-2.com``) mostly land on the same pair.
    """
    digest = hashlib.sha256(domain.encode("utf-8")).digest()
    return NS_PAIRS[int.from_bytes(digest[:8], "big") % len(NS_PAIRS)]
