"""A function (InboxedUp `get_account_output`) and a dynamic resource (Pingram `SenderDomain`),
whose endpoints the test overrides with `pulumi config set --path '<api>:endpoints.<name>' ...`."""

import pulumi

from pulumi_inboxed.inboxedup import get_account_output
from pulumi_inboxed.pingram import SenderDomain

sender = SenderDomain("sender", domain=pulumi.Config("ep").require("sender"))
pulumi.export("email", get_account_output().customer.email)
pulumi.export("sender", sender.id)
