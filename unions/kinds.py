"""The unions app's audit actions: the tree and the roles on it. ``UnionsConfig.ready()`` registers their labels."""

from django.utils.translation import gettext_lazy as _

UNION_CREATED = "unions.union_created"
UNION_UPDATED = "unions.union_updated"
UNION_MOVED = "unions.union_moved"
UNION_CLOSED = "unions.union_closed"
ROLE_GRANTED = "unions.role_granted"
ROLE_REVOKED = "unions.role_revoked"

AUDIT_ACTIONS = {
    UNION_CREATED: _("Union created"),
    UNION_UPDATED: _("Union edited"),
    UNION_MOVED: _("Union moved"),
    UNION_CLOSED: _("Union closed"),
    ROLE_GRANTED: _("Role granted"),
    ROLE_REVOKED: _("Role revoked"),
}
