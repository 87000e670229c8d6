"""Platform-wide signals. A module that changes what other modules derive from sends one; the deriving module
listens, so the registry and the fact store never import the modules built on top of them."""

from __future__ import annotations

from django.dispatch import Signal

#: An enterprise's facts as the rules engine reads them changed (yearly facts, qualifications).
#: Arguments: `enterprise_ids` (list of ints), `reason` (Chinese text for the log). Sent inside the transaction;
#: receivers that start background work must wait for the commit.
facts_changed = Signal()
