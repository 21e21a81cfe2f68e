"""Issue 22: `check()` is written once, in `ConfiguredProvider`, and every kind uses it.

Each kind's provider parses its inputs with the model its `ResourceSpec` declares and checks
the account the one way (`core.accounts.account_check_failure`); what a type cannot check is
the kind's `check_further` hook.
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar

import pytest

from pulumi_inboxed.codegen import SPEC_MODULES, specs_of
from pulumi_inboxed.core.accounts import account_check_failure, require_own_credential
from pulumi_inboxed.core.config import Setting
from pulumi_inboxed.core.provider_base import ConfiguredProvider
from pulumi_inboxed.core.resource_spec import ResourceSpec
from pulumi_inboxed.core.schema import ResourceInputs, ResourceOutputs, arg

SPECS = [spec for api in SPEC_MODULES for _, spec in specs_of(api)]


@pytest.mark.parametrize("spec", SPECS, ids=[f"{s.module}:{s.name}" for s in SPECS])
def test_every_kind_checks_through_the_one_check(spec: ResourceSpec) -> None:
    provider = spec.provider
    assert issubclass(provider, ConfiguredProvider)
    assert provider.check is ConfiguredProvider.check, f"{provider.__name__} writes its own check"
    assert provider.inputs is spec.inputs and provider.api == spec.module
    # the provider host imports the provider's module alone (the state names it): the spec
    # that binds the inputs must be declared there
    declared = vars(sys.modules[provider.__module__])
    assert spec in (declared.get("SPEC"), *declared.get("SPECS", ()))


class _OneInputs(ResourceInputs):
    name: str = arg(description="a name")


class _OtherInputs(ResourceInputs):
    size: int = arg(description="a size")


class _Outputs(ResourceOutputs):
    pass


class _TwoKindsProvider(ConfiguredProvider):
    pass


def test_one_provider_class_serves_one_kind() -> None:
    ResourceSpec("demo", "One", _OneInputs, _Outputs, _TwoKindsProvider)
    with pytest.raises(TypeError, match="one provider class per kind"):
        ResourceSpec("demo", "Other", _OtherInputs, _Outputs, _TwoKindsProvider)


class _HookProvider(ConfiguredProvider):
    seen: ClassVar[list[Any]] = []

    def check_further(
        self, olds: dict[str, Any], news: dict[str, Any], inputs: dict[str, Any], so_far: Any
    ) -> Any:
        self.seen.append((dict(inputs), list(so_far)))
        return []


def test_the_hook_runs_after_the_types_and_the_account() -> None:
    ResourceSpec("hooked", "Hooked", _OneInputs, _Outputs, _HookProvider)
    provider = _HookProvider()
    result = provider.check({}, {"name": "a", "account": "nowhere"})
    assert [f.property for f in result.failures] == ["account"]
    inputs, so_far = _HookProvider.seen[-1]
    assert inputs["name"] == "a" and [f.property for f in so_far] == ["account"]
    assert provider.check({}, {"name": "a"}).failures == []


def test_a_provider_no_spec_declares_passes_its_inputs_as_given() -> None:
    class Plain(ConfiguredProvider):
        pass

    result = Plain().check({}, {"anything": 1})
    assert result.inputs == {"anything": 1} and not result.failures


def test_a_named_account_needs_its_own_credential_where_the_api_declares_one() -> None:
    token = Setting("owncred", "apiToken", "OWNCRED_API_TOKEN", secret=True)
    config = {"owncred:accounts": {"client-a": {"apiToken": "t"}, "client-b": {}}}
    assert account_check_failure("owncred", config, "client-b") is None
    require_own_credential(token)
    assert account_check_failure("owncred", config, "client-a") is None
    problem = account_check_failure("owncred", config, "client-b") or ""
    assert "owncred:accounts.client-b.apiToken" in problem, problem
    assert account_check_failure("owncred", config, None) is None  # the default account
