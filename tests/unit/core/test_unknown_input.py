"""A typo in an input name: one line naming the input and the closest one, no traceback."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_inboxed.core.resource_spec import UnknownInputError


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


@pulumi.runtime.test
def test_a_misspelt_input_names_the_closest_input_as_a_run_error() -> None:
    """A `pulumi.RunError`: the Pulumi language host prints its message alone (no traceback
    through the package); it names this file's line that made the resource."""
    from pulumi_inboxed.inboxedup import MailboxArgs, MailboxRequest

    pulumi.runtime.set_mocks(_Mocks(), preview=True)
    with pytest.raises(UnknownInputError) as info:
        MailboxRequest(
            "typo",
            domain="a.com",
            type="smtp",
            mailboxes=[MailboxArgs("A", "B", "ab")],
            wait_timout_seconds=60,
        )
    assert isinstance(info.value, pulumi.RunError) and isinstance(info.value, TypeError)
    message = str(info.value)
    assert "unknown input 'wait_timout_seconds'; did you mean 'wait_timeout_seconds'?" in message
    assert message.startswith("MailboxRequest (at test_unknown_input.py:")


def test_a_name_like_no_input_lists_the_inputs() -> None:
    from pulumi_inboxed.pingram import SenderDomain

    with pytest.raises(UnknownInputError) as info:
        SenderDomain("x", domain="news.example.com", zzz=1)
    message = str(info.value)
    assert "unknown input 'zzz'" in message and "did you mean" not in message
    assert "(its inputs: account, " in message and "domain" in message
