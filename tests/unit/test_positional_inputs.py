"""Inputs given positionally (the form of 0.1.0's classes) fail with a message naming the keyword
form of the same call, for every kind of the registry; the resource options given by keyword
after them are not taken for an input."""

from __future__ import annotations

import importlib
from typing import Any

import pulumi
import pytest

from pulumi_inboxed.core.resource_spec import PositionalInputsError, positional_order
from pulumi_inboxed.kinds import Kind, all_kinds

KINDS = all_kinds()


def _classes(kind: Kind) -> tuple[Any, type[Any]]:
    package = importlib.import_module(f"pulumi_inboxed.{kind.api}")
    return getattr(package, kind.name), getattr(package, f"{kind.name}Args")


@pytest.mark.parametrize("kind", KINDS, ids=[k.token for k in KINDS])
def test_inputs_given_positionally_name_the_keyword_form(kind: Kind) -> None:
    cls, args_type = _classes(kind)
    first = positional_order(args_type)[0]
    with pytest.raises(PositionalInputsError) as info:
        cls("m", ["x"])
    assert isinstance(info.value, TypeError) and isinstance(info.value, pulumi.RunError)
    message = str(info.value)
    assert message.startswith(f"{kind.name} (at test_positional_inputs.py:"), message
    assert message.endswith(
        f" takes its inputs as keywords or a {kind.name}Args: {kind.name}('m', {first}=[...])"
    ), message


@pytest.mark.parametrize("kind", KINDS, ids=[k.token for k in KINDS])
def test_positional_inputs_then_opts_by_keyword_do_not_blame_opts(kind: Kind) -> None:
    cls, args_type = _classes(kind)
    first, second = positional_order(args_type)[:2]
    with pytest.raises(PositionalInputsError) as info:
        cls("m", "a", 3, opts=pulumi.ResourceOptions(protect=True))
    message = str(info.value)
    assert "'opts'" not in message and "unexpected keyword" not in message
    assert message.endswith(f"{kind.name}('m', {first}='a', {second}=3, opts=...)"), message


def test_the_order_named_is_0_1_0s_and_its_positional_opts_takes_no_inputs_place() -> None:
    from pulumi_inboxed.inboxedup import SubscriptionNotes
    from pulumi_inboxed.mailin import Subdomain

    with pytest.raises(PositionalInputsError, match=r"Subdomain\('s', subdomain='mail', domain="):
        Subdomain("s", "mail", "acme-mail.com")
    with pytest.raises(PositionalInputsError) as info:
        SubscriptionNotes("n", "sub_1", "x" * 60, pulumi.ResourceOptions(), True)
    assert str(info.value).endswith(
        "SubscriptionNotes('n', subscription_id='sub_1', notes=..., opts=..., destroy_adopted=True)"
    )


def test_the_keyword_forms_still_work_up_to_registering() -> None:
    """Options alone positionally, or inputs as an Args object, are no positional inputs."""
    from pulumi_inboxed.core.resource_spec import resource_args_opts
    from pulumi_inboxed.pingram import SenderDomainArgs

    opts = pulumi.ResourceOptions(protect=True)
    args, got = resource_args_opts(SenderDomainArgs, (opts,), {"domain": "a.com"}, "d")
    assert args.domain == "a.com" and got is opts
    as_object = SenderDomainArgs(domain="a.com")
    assert resource_args_opts(SenderDomainArgs, (as_object, opts), {}, "d") == (as_object, opts)
