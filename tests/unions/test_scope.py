"""unions.scope: the one place that turns a user's roles into the subtrees they may see."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from unions.models import Role, Union
from unions.scope import (
    forget_roles,
    holds_role,
    holds_role_anywhere,
    is_staff_user,
    minimal_paths,
    roles_of,
    scope_paths,
    subtree_q,
)
from unions.selectors import union_get_visible, unions_visible_to

from ..factories import UserFactory, grant, make_city, staff

R = Role.Kind


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def keys_of(tree, queryset) -> set[str]:
    by_pk = {node.pk: key for key, node in tree.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


# --- minimal_paths -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ([], []),
        (["0001"], ["0001"]),
        (["00010002", "0001"], ["0001"]),
        (["000100020003", "00010002", "00010002"], ["00010002"]),
        (["00010002", "00010003"], ["00010002", "00010003"]),
        (["00010003", "000100020001", "00010002"], ["00010002", "00010003"]),
        # Sharing a prefix that is not a whole step must not swallow a sibling.
        (["00010001", "000100010002", "00010010"], ["00010001", "00010010"]),
        (["0001", "0002", "00020001"], ["0001", "0002"]),
    ],
)
def test_minimal_paths_drops_exactly_the_paths_inside_others(paths, expected):
    assert minimal_paths(paths) == expected


def test_minimal_paths_accepts_any_iterable_and_is_sorted():
    assert minimal_paths(iter(["0002", "0001", "00020001"])) == ["0001", "0002"]


# --- roles_of, is_staff_user -------------------------------------------------------------------


def test_a_user_with_no_roles_sees_nothing(tree):
    user = UserFactory()
    assert roles_of(user) == []
    assert scope_paths(user) == []
    assert not is_staff_user(user)
    assert not unions_visible_to(user).exists()
    assert not any(holds_role(user, node) for node in tree.values())


def test_an_anonymous_user_sees_nothing(tree):
    anonymous = AnonymousUser()
    assert roles_of(anonymous) == []
    assert scope_paths(anonymous) == []
    assert not unions_visible_to(anonymous).exists()


def test_roles_are_loaded_once_per_user_object(tree, django_assert_num_queries):
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    with django_assert_num_queries(1):
        roles_of(user)
        roles_of(user)
        scope_paths(user)
        holds_role(user, tree["g1"])
        holds_role_anywhere(user)


def test_forget_roles_picks_up_a_new_role(tree):
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    assert scope_paths(user) == [tree["d1"].path]
    grant(user, tree["d2"], R.FEDERATION_STAFF)
    assert scope_paths(user) == [tree["d1"].path]  # cached for the request
    forget_roles(user)
    assert scope_paths(user) == sorted([tree["d1"].path, tree["d2"].path])


def test_forget_roles_works_through_the_lazy_request_user(tree):
    # request.user is a SimpleLazyObject: the cache lives on the user inside it.
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    lazy = SimpleLazyObject(lambda: user)
    assert scope_paths(lazy) == [tree["d1"].path]
    grant(user, tree["d2"], R.FEDERATION_STAFF)
    forget_roles(lazy)
    assert scope_paths(lazy) == sorted([tree["d1"].path, tree["d2"].path])


def test_forget_roles_before_any_lookup_is_harmless(tree):
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    forget_roles(user)
    forget_roles(AnonymousUser())
    assert scope_paths(user) == [tree["d1"].path]


# --- scope_paths -------------------------------------------------------------------------------


def test_scope_of_a_single_role_is_its_node(tree):
    user = staff(R.UNION_CLERK, tree["g1"])
    assert scope_paths(user) == [tree["g1"].path]


def test_nested_roles_collapse_to_the_highest_node(tree):
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    grant(user, tree["s1"], R.CADRE_OFFICER)
    grant(user, tree["g1"], R.UNION_CLERK)
    assert scope_paths(user) == [tree["d1"].path]


def test_disjoint_roles_give_both_subtrees(tree):
    user = staff(R.FEDERATION_STAFF, tree["s1"])
    grant(user, tree["ind"], R.CADRE_OFFICER)
    grant(user, tree["g2"], R.UNION_CLERK)
    assert scope_paths(user) == sorted([tree["s1"].path, tree["ind"].path, tree["g2"].path])
    assert keys_of(tree, unions_visible_to(user)) == {"s1", "g1", "ind", "g3", "g2"}


def test_scope_paths_by_kind_counts_only_those_roles(tree):
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    grant(user, tree["city"], R.LEADER)
    grant(user, tree["g2"], R.UNION_CLERK)
    assert scope_paths(user) == [tree["city"].path]
    assert scope_paths(user, {R.FEDERATION_STAFF}) == [tree["d1"].path]
    assert scope_paths(user, [R.FEDERATION_STAFF, R.UNION_CLERK]) == sorted([tree["d1"].path, tree["g2"].path])
    assert scope_paths(user, {R.CITY_ADMIN}) == []
    assert scope_paths(user, []) == []


def test_a_city_role_covers_the_whole_city_but_not_a_second_city(tree):
    user = staff(R.CITY_ADMIN, tree["city"])
    other = make_city("另一市总工会")
    assert scope_paths(user) == [tree["city"].path]
    assert keys_of(tree, unions_visible_to(user).exclude(pk=other.pk)) == set(tree)
    assert not unions_visible_to(user).filter(pk=other.pk).exists()


# --- subtree_q ---------------------------------------------------------------------------------


def test_subtree_q_of_no_paths_matches_nothing(tree):
    assert not Union.objects.filter(subtree_q([])).exists()
    assert not Union.objects.filter(subtree_q(iter([]))).exists()


def test_subtree_q_matches_the_node_and_everything_below_it(tree):
    assert keys_of(tree, Union.objects.filter(subtree_q([tree["d1"].path]))) == {"d1", "s1", "g1"}
    assert keys_of(tree, Union.objects.filter(subtree_q([tree["g3"].path]))) == {"g3"}


def test_subtree_q_of_several_paths_is_their_union(tree):
    paths = [tree["s1"].path, tree["ind"].path]
    assert keys_of(tree, Union.objects.filter(subtree_q(paths))) == {"s1", "g1", "ind", "g3"}


def test_subtree_q_through_a_relation(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    other = staff(R.UNION_CLERK, tree["g2"])
    roles = Role.objects.filter(subtree_q([tree["d1"].path], "union__path"))
    assert set(roles.values_list("user", flat=True)) == {clerk.pk}
    assert other.pk not in set(roles.values_list("user", flat=True))


def test_subtree_q_treats_like_wildcards_in_a_path_literally(tree):
    # Paths only ever hold [0-9A-Z], but the filter must not become a pattern if one ever does not.
    assert not Union.objects.filter(subtree_q(["%"])).exists()
    assert not Union.objects.filter(subtree_q(["_"])).exists()


# --- holds_role ----------------------------------------------------------------------------------


def test_holds_role_is_true_at_and_below_each_role_and_false_elsewhere(tree):
    user = staff(R.FEDERATION_STAFF, tree["s1"])
    grant(user, tree["g3"], R.UNION_CLERK)
    covered = {key for key, node in tree.items() if holds_role(user, node)}
    assert covered == {"s1", "g1", "g3"}
    # a node's path is asked the same way as the node
    assert {key for key, node in tree.items() if holds_role(user, node.path)} == covered


def test_holds_role_by_kind(tree):
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    grant(user, tree["g2"], R.UNION_CLERK)
    assert holds_role(user, tree["g2"])
    assert not holds_role(user, tree["g2"], {R.FEDERATION_STAFF})
    assert holds_role(user, tree["g1"], {R.FEDERATION_STAFF})


def test_holds_role_strictly_above_leaves_out_the_role_at_the_node_itself(tree):
    user = staff(R.FEDERATION_STAFF, tree["s1"])
    assert holds_role(user, tree["s1"], {R.FEDERATION_STAFF})
    assert not holds_role(user, tree["s1"], {R.FEDERATION_STAFF}, strictly_above=True)
    assert holds_role(user, tree["g1"], {R.FEDERATION_STAFF}, strictly_above=True)
    # a second role higher up answers for the node again
    grant(user, tree["d1"], R.FEDERATION_STAFF)
    forget_roles(user)
    assert holds_role(user, tree["s1"], {R.FEDERATION_STAFF}, strictly_above=True)


def test_holds_role_anywhere_asks_the_kinds_only(tree):
    user = staff(R.UNION_CLERK, tree["g1"])
    assert holds_role_anywhere(user)
    assert holds_role_anywhere(user, {R.UNION_CLERK, R.LEADER})
    assert not holds_role_anywhere(user, {R.FEDERATION_STAFF})
    assert not holds_role_anywhere(UserFactory())
    assert not holds_role_anywhere(AnonymousUser())


def test_union_get_visible_is_404_outside_scope_and_for_junk_ids(tree):
    from django.http import Http404

    user = staff(R.FEDERATION_STAFF, tree["d1"])
    assert union_get_visible(user, tree["g1"].pk).pk == tree["g1"].pk
    for pk in (tree["g2"].pk, tree["city"].pk, 10**9, "abc", None):
        with pytest.raises(Http404):
            union_get_visible(user, pk)


def test_a_closed_node_stays_in_scope(tree):
    Union.objects.filter(pk=tree["g1"].pk).update(closed_on="2026-01-01")
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    assert "东城机械厂工会" in names(unions_visible_to(user))
