"""The `inboxed-guardrails` policy pack: the policies live in `pulumi_inboxed.policy`.

Run it with the Python that has `pulumi_inboxed[policy]` (PULUMI_PYTHON_CMD, or an activated
virtualenv): `pulumi preview --policy-pack policy-pack [--policy-pack-config config.json]`.
"""

from pulumi_inboxed.policy.pack import serve

serve()
