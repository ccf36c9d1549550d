from cadres.models import CadreSettings, HoursRule
from cadres.selectors import cadres_visible_to


def test_a_cadre_officer_sees_the_cadres_of_their_subtree_and_the_default_rules_exist(
    cadre, other_district_cadre, district_cadre_officer, cadre_officer
):
    assert list(cadres_visible_to(district_cadre_officer)) == [cadre]
    assert set(cadres_visible_to(cadre_officer)) == {cadre, other_district_cadre}
    assert HoursRule.objects.count() == 5 and CadreSettings.current().excellent_share_percent == 20
