"""The structure map's layout: every body placed once, no two boxes overlapping, lines for both relations."""

from samverkan.portal.structure_map import BOX_H, BOX_W, layout_map
from samverkan.structure.models import Body


def _bodies(world, extra_leaves):
    start = Body.objects.filter(slug__startswith="lokal-").count()
    for i in range(start, start + extra_leaves):
        Body.objects.create(area=world.area, name=f"Lokal grupp {i}", slug=f"lokal-{i}", reports_to=world.group)
    return list(Body.objects.filter(area=world.area).select_related("reports_to", "prepared_by"))


def _overlap(a, b):
    return a.x < b.x + BOX_W and b.x < a.x + BOX_W and a.y < b.y + BOX_H and b.y < a.y + BOX_H


def test_layout_places_every_body_without_overlap(world):
    for leaves in (0, 3, 9):  # 0, 3 and then 12 extra bodies under the same parent
        bodies = _bodies(world, leaves)
        result = layout_map(bodies)
        nodes = result["nodes"]
        assert sorted(n.body.pk for n in nodes) == sorted(b.pk for b in bodies)
        for i, a in enumerate(nodes):
            assert 0 <= a.x and a.x + BOX_W <= result["width"] and a.y + BOX_H <= result["height"]
            assert not any(_overlap(a, b) for b in nodes[i + 1 :]), a.body.name


def test_many_leaves_are_stacked_so_the_map_stays_narrow(world):
    bodies = _bodies(world, 12)
    result = layout_map(bodies)
    assert result["width"] < 4 * (BOX_W + 60)
    kinds = {e.kind for e in result["edges"]}
    assert kinds == {"reports", "prepares"}


def test_a_cycle_in_old_data_does_not_hang_the_map(world):
    Body.objects.filter(pk=world.forum.pk).update(reports_to=world.secret)  # bypasses validation
    bodies = list(Body.objects.filter(area=world.area))
    assert len(layout_map(bodies)["nodes"]) == len(bodies)
