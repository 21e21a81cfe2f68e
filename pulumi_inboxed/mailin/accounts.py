"""The old path of `pulumi_inboxed.mailin.delegated_credentials`, renamed in 0.2.0 (CHANGELOG.md).

Stacks made by 0.1.0 name their `InboxProvider` and `DomainRegistrar` providers by this module
(the pickled `__provider` in the state refers to their class by module and name), and programs
may import it. The path stays importable as the same module object as the new one, so every name
(a provider class among them) resolves, through either path, to one and the same object.
"""

import sys

from . import delegated_credentials as _renamed

sys.modules[__name__] = _renamed
