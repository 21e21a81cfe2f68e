"""The old path of `pulumi_inboxed.inboxedup.mailbox_request_collection`,
renamed in 0.2.0 (CHANGELOG.md).

Stacks made before the rename name their `MailboxRequests` provider by this module (the pickled
`__provider` in the state refers to its class by module and name), and programs may import it.
The path stays importable as the same module object as the new one, so every name (a provider
class among them) resolves, through either path, to one and the same object.
"""

import sys

from . import mailbox_request_collection as _renamed

sys.modules[__name__] = _renamed
