"""Who acts for which union: the staff directory reminders and notices are addressed with."""

from collections import defaultdict

from .models import Role, Union

R = Role.Kind


class StaffDirectory:
    """Who acts for which union, loaded once per run (roles are few next to the items)."""

    def __init__(self) -> None:
        self.clerks: dict[int, list[int]] = defaultdict(list)
        self.federation_staff_by_id: dict[int, list[int]] = defaultdict(list)
        self.federation_staff_by_path: dict[str, list[int]] = defaultdict(list)
        roles = Role.objects.filter(kind__in=[R.UNION_CLERK, R.FEDERATION_STAFF], user__is_active=True).values_list(
            "kind", "union_id", "union__path", "user_id"
        )
        for kind, union_id, path, user_id in roles:
            if kind == R.UNION_CLERK:
                self.clerks[union_id].append(user_id)
            else:
                self.federation_staff_by_id[union_id].append(user_id)
                self.federation_staff_by_path[path].append(user_id)

    def staff_of(self, union_id: int, union_kind: str) -> list[int]:
        """The people who decide for the union: clerks where members are held, else federation staff."""
        if union_kind in (Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION):
            return self.clerks.get(union_id, [])
        return self.federation_staff_by_id.get(union_id, [])

    def staff_above(self, path: str) -> list[int]:
        """Federation staff at the nearest union strictly above ``path`` that has any."""
        step = Union.steplen
        for end in range(len(path) - step, 0, -step):
            found = self.federation_staff_by_path.get(path[:end])
            if found:
                return found
        return []
