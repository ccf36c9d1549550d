"""Who may see what of a member's or an applicant's personal data on the staff pages.

Built on the one primitive of the tree (unions.roles.holds_over); views and templates ask here.
"""

from unions.roles import FULL_EXPORT_KINDS, holds_over


def can_see_full_mobile(user, union) -> bool:
    """Whether the user sees full mobiles of the union's members and applicants.

    Only the roles whose exports may carry full mobiles (``FULL_EXPORT_KINDS``) over the union: the
    pages show no more than the files would. Every other member staff role sees the mobile masked.
    """
    return holds_over(user, union.path, FULL_EXPORT_KINDS)
