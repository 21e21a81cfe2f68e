"""A local simulator of the InboxedUp, Mailin.ai, MailChannels Inbound and Pingram HTTP APIs.

Run it with ``python -m pulumi_inboxed.sandbox``.
"""

from pulumi_inboxed.sandbox.app import create_app
from pulumi_inboxed.sandbox.control_client import SandboxControl
from pulumi_inboxed.sandbox.runner import SandboxProcess

__all__ = ["SandboxControl", "SandboxProcess", "create_app"]
