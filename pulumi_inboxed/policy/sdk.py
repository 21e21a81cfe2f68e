"""The bridge between `pulumi_policy` and the pure rules.

- `plain()` turns the SDK's proxies into plain data: `pulumi_policy.Secret` becomes `SecretValue`,
  the engine's unknown sentinels become `UNKNOWN`.
- `to_sdk()` turns plain data back into what a remediation returns (`SecretValue` becomes
  `pulumi_policy.Secret`, which the engine records as a secret).
- `keep_secret_markers()`: the engine sends secret inputs marked as secrets to every analyzer
  call (Analyze, AnalyzeStack, Remediate), but pulumi-policy's Python SDK unwraps them before a
  `validate` callback sees them (only `remediate` gets them marked), so a policy cannot tell a
  secret input from a plaintext one (pulumi/pulumi-policy#241). This swaps the deserializer the
  SDK's analyzer uses for one that keeps the marker as a `pulumi_policy.Secret`, the SDK's own
  type for it; unknown checks and everything else stay as they are. It is applied only when the
  SDK has the function it replaces, and `secret_markers_kept()` tells the secrets rule whether
  it can judge at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi_policy.deserialize as sdk_deserialize
import pulumi_policy.policy as sdk_policy
import pulumi_policy.proxy as sdk_proxy
import pulumi_policy.secret as sdk_secret
from pulumi_policy import PolicyResource, ResourceValidationArgs, Secret

from .model import UNKNOWN, Resource, SecretValue

UNKNOWN_SENTINELS = frozenset(
    {
        sdk_proxy.UNKNOWN_BOOLEAN_VALUE,
        sdk_proxy.UNKNOWN_NUMBER_VALUE,
        sdk_proxy.UNKNOWN_STRING_VALUE,
        sdk_proxy.UNKNOWN_ARRAY_VALUE,
        sdk_proxy.UNKNOWN_ASSET_VALUE,
        sdk_proxy.UNKNOWN_ARCHIVE_VALUE,
        sdk_proxy.UNKNOWN_OBJECT_VALUE,
    }
)
_PROXIES = (
    sdk_proxy._DictProxy,
    sdk_proxy._ListProxy,
    sdk_secret._DictSecretsProxy,
    sdk_secret._ListSecretsProxy,
)


def plain(value: Any) -> Any:
    """Plain dicts, lists and scalars, with `SecretValue` and `UNKNOWN` markers."""
    if isinstance(value, _PROXIES):
        return plain(value["__target"])  # the SDK's documented way through its proxies
    if isinstance(value, Secret):
        return SecretValue(plain(value.value))
    if isinstance(value, str) and value in UNKNOWN_SENTINELS:
        return UNKNOWN
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def to_sdk(value: Any) -> Any:
    """What a remediation returns: `SecretValue` as `pulumi_policy.Secret`."""
    if value is UNKNOWN:
        raise ValueError("an unknown value cannot be returned from a remediation")
    if isinstance(value, SecretValue):
        return Secret(to_sdk(value.value))
    if isinstance(value, Mapping):
        return {k: to_sdk(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_sdk(v) for v in value]
    return value


def from_sdk(r: ResourceValidationArgs | PolicyResource) -> Resource:
    """A resource as a resource policy sees it (`ResourceValidationArgs`) or a stack policy sees
    it (`PolicyResource`): both have the type, name, URN, props and options read here."""
    return Resource(
        type=r.resource_type,
        name=r.name,
        urn=r.urn,
        props=plain(r.props),
        protect=bool(r.opts.protect),
    )


def _keep(prop: Any) -> Any:
    if isinstance(prop, list):
        return [_keep(e) for e in prop]
    if isinstance(prop, dict):
        sig = prop.get(sdk_deserialize.SPECIAL_SIG_KEY)
        if sig == sdk_deserialize.SPECIAL_SECRET_SIG:
            return Secret(_keep(prop["value"]))
        if sig is not None:  # assets and archives: the SDK's own handling
            return sdk_deserialize._deserialize_property(prop, False)
        return {k: _keep(v) for k, v in prop.items()}
    return prop


def _deserialize_keeping_secrets(
    props: dict[str, Any], proxy_secrets: bool = False
) -> dict[str, Any]:
    if proxy_secrets:  # Remediate: the SDK keeps the markers itself
        return _original(props, True)
    return {k: _keep(v) for k, v in props.items()}


_original: Callable[..., dict[str, Any]] = getattr(sdk_policy, "deserialize_properties", None) or (
    sdk_deserialize.deserialize_properties
)
_kept = False


def keep_secret_markers() -> bool:
    """Makes the SDK's analyzer keep secret markers for `validate`; True when in effect."""
    global _kept
    if _kept:
        return True
    if not callable(getattr(sdk_policy, "deserialize_properties", None)):
        return False
    sdk_policy.deserialize_properties = _deserialize_keeping_secrets  # type: ignore[attr-defined]
    _kept = True
    return True


def secret_markers_kept() -> bool:
    return _kept


__all__ = [
    "from_sdk",
    "keep_secret_markers",
    "plain",
    "secret_markers_kept",
    "to_sdk",
]
