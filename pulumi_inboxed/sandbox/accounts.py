"""The old path of `pulumi_inboxed.sandbox.tenants`, renamed in 0.2.0 (CHANGELOG.md).

Programs and scripts may import the sandbox's account model from here. The path stays importable
as the same module object as the new one, so every name (a provider class among them) resolves,
through either path, to one and the same object.
"""

import sys

from . import tenants as _renamed

sys.modules[__name__] = _renamed
