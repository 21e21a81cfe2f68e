"""The bridge to pulumi_policy: plain data, secret markers in validations, remediation results,
and the type tokens of the resources."""

from __future__ import annotations

import importlib

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi_policy import Secret
from pulumi_policy import policy as sdk_policy
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy
from pulumi_policy.secret import secrets_preserving_proxy

from pulumi_inboxed import kinds
from pulumi_inboxed.policy import model, sdk

SECRET = {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": "s3cret"}


def test_type_tokens_match_the_resource_classes() -> None:
    """Every kind of the registry, as its generated class registers it, is a kind of the model."""
    for kind in kinds.all_kinds():
        cls = getattr(importlib.import_module(f"pulumi_inboxed.{kind.api}"), kind.name)
        token = f"pulumi-python:{cls._resource_type_name}"
        assert token == kind.type_token
        resource = model.Resource(token, "r", "urn:r", {})
        assert resource.kind == kind.token and resource.api == kind.api
    assert set(model.ALL_KINDS) == set(kinds.by_token())
    assert "inboxedup:MailboxRequests" in model.ALL_KINDS
    assert model.Resource("aws:s3/bucket:Bucket", "b", "urn:b", {}).kind is None


def _as_struct(props: dict[str, object]) -> dict[str, object]:
    struct = struct_pb2.Struct()
    struct.update(props)
    return dict(json_format.MessageToDict(struct))


def test_keep_secret_markers_makes_validations_see_secrets() -> None:
    props = _as_struct(
        {"api_key": SECRET, "name": "n", "boxes": [{"password": SECRET}], "u": UNKNOWN_STRING_VALUE}
    )
    before = sdk.plain(unknown_checking_proxy(sdk_policy.deserialize_properties(props)))
    assert before["api_key"] == "s3cret"  # what pulumi-policy alone gives a validation
    assert sdk.keep_secret_markers() and sdk.secret_markers_kept()
    after = sdk.plain(unknown_checking_proxy(sdk_policy.deserialize_properties(props)))
    assert after["api_key"] == model.SecretValue("s3cret")
    assert after["boxes"][0]["password"] == model.SecretValue("s3cret")
    assert after["name"] == "n" and after["u"] is model.UNKNOWN
    # Remediate's deserialization (proxy_secrets=True) is the SDK's own.
    remediate = sdk_policy.deserialize_properties(props, True)
    assert sdk.plain(remediate)["api_key"] == model.SecretValue("s3cret")


def test_plain_reads_through_the_remediation_proxies() -> None:
    raw = {"a": Secret("x"), "nested": {"b": Secret("y")}, "list": [Secret("z"), 1]}
    plain = sdk.plain(secrets_preserving_proxy(raw))
    assert plain == {
        "a": model.SecretValue("x"),
        "nested": {"b": model.SecretValue("y")},
        "list": [model.SecretValue("z"), 1],
    }


def test_to_sdk_returns_secrets_as_pulumi_policy_secrets() -> None:
    out = sdk.to_sdk({"k": model.SecretValue("v"), "l": [model.SecretValue({"p": 1})], "n": 2})
    assert isinstance(out["k"], Secret) and out["k"].value == "v"
    assert isinstance(out["l"][0], Secret) and out["l"][0].value == {"p": 1}
    assert out["n"] == 2
    with pytest.raises(ValueError):
        sdk.to_sdk({"u": model.UNKNOWN})


def test_secret_value_repr_hides_the_value() -> None:
    assert "s3cret" not in repr(model.SecretValue("s3cret"))
    assert "s3cret" not in repr({"k": model.SecretValue("s3cret")})
