"""The `inboxed-guardrails` policy pack's entry point; the policies live in `pulumi_inboxed.policy`.

This folder ships inside the package: `inboxed-policy-pack` prints it, so after
`pip install "pulumi-inboxed[policy]"` a program is checked with
`pulumi preview --policy-pack "$(inboxed-policy-pack)" [--policy-pack-config config.json]`.
Pulumi runs this file with the Python of PULUMI_PYTHON_CMD or of the activated virtualenv, which
must be the one `pulumi-inboxed[policy]` is installed in.
"""

from pulumi_inboxed.policy.pack import serve

serve()
