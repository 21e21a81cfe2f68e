"""The policy pack's rules, as pure functions over plain data (unit-testable without the engine).

- `model`: what a rule sees (`Resource`, secret and unknown markers) and what it reports
  (`Violation`); which resources are this package's, and of which kind, is read from the
  registry of kinds (`pulumi_inboxed.kinds`, derived from the declarations).
- `limits`: the providers' limits, across the whole stack.
- `money`: purchases and irreversibility.
- `hygiene`: secrets, usernames, names.
- `sdk`: the bridge to `pulumi_policy` (props to plain data, secret markers, remediation results).
- `pack`: the policies (names, descriptions, default levels, config schemas) and the pack.

`pulumi_inboxed/policy_pack/` (PulumiPolicy.yaml and a two-line `__main__.py`, package data) is
the folder to pass to `pulumi preview --policy-pack "$(inboxed-policy-pack)"`; see
docs/policy-pack.md.
"""
