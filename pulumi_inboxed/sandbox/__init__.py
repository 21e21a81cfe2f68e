"""A local simulator of the InboxedUp, Mailin.ai, MailChannels Inbound and Pingram HTTP APIs.

Run it with ``python -m pulumi_inboxed.sandbox``. It serves several accounts at once, isolated by
credential (``SandboxSettings.accounts``, ``--accounts-file``, ``POST /_sandbox/accounts``; see
``accounts.py`` and docs/sandbox.md).
"""

from pulumi_inboxed.sandbox.app import create_app
from pulumi_inboxed.sandbox.control_client import SandboxControl
from pulumi_inboxed.sandbox.runner import SandboxProcess
from pulumi_inboxed.sandbox.settings import SandboxSettings
from pulumi_inboxed.sandbox.tenants import SandboxAccount

__all__ = ["SandboxAccount", "SandboxControl", "SandboxProcess", "SandboxSettings", "create_app"]
