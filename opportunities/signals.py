"""The opportunities' hooks for the apps built on them (funnel, bids, ...), which connect their receivers in
their `AppConfig.ready()`; opportunities never import those apps.

Both are sent by the service inside its transaction, with `send` (not `send_robust`): a receiver's error
rolls the whole change back, exactly as if the service had called it itself.
"""

from django.dispatch import Signal

# opportunity_created.send(sender=Opportunity, opportunity=..., by=...): the opportunity, its primary
# owner's team row and its first stage are saved; its lines are not yet.
opportunity_created = Signal()

# opportunity_owner_changed.send(sender=Opportunity, opportunity=..., old_owner=..., new_owner=..., by=...):
# the new primary owner is saved (team rows, OwnerChange, the opportunity itself).
opportunity_owner_changed = Signal()
