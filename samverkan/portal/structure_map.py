"""Lays out an area's bodies as a tree for the SVG structure map: reporting lines down, preparation dashed."""

import textwrap
from dataclasses import dataclass, field

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 64, 24, 80, 16
STACK_FROM, STACK_INDENT, STACK_GAP = 4, 28, 14  # more leaf children than this are stacked in a column


@dataclass
class Node:
    body: object
    children: list = field(default_factory=list)
    x: float = 0
    y: float = 0
    lines: list = field(default_factory=list)
    stacked: bool = False

    @property
    def cx(self):
        return self.x + BOX_W / 2


@dataclass
class Edge:
    d: str
    kind: str  # "reports" or "prepares"


def layout_map(bodies):
    """Positions for each visible body and the lines between them; bodies whose parent is hidden become roots."""
    nodes = {b.pk: Node(b, lines=textwrap.wrap(b.name, 26)[:3]) for b in bodies}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.body.reports_to_id)
        if parent is None or _would_cycle(node, nodes):
            roots.append(node)
        else:
            parent.children.append(node)
    next_x = [MARGIN]
    placed = set()

    def place(node, depth):
        placed.add(node.body.pk)
        node.y = MARGIN + depth * (BOX_H + GAP_Y)
        kids = [c for c in node.children if c.body.pk not in placed]
        leaves = [c for c in kids if not c.children]
        # Many leaves (say, a local group per municipality) go in one column beside their siblings.
        stacked = leaves if len(leaves) > STACK_FROM else []
        for child in kids:
            if child not in stacked:
                place(child, depth + 1)
        if stacked:
            column = next_x[0]
            for i, leaf in enumerate(stacked):
                placed.add(leaf.body.pk)
                leaf.x, leaf.stacked = column + STACK_INDENT, True
                leaf.y = node.y + BOX_H + GAP_Y / 2 + STACK_GAP + i * (BOX_H + STACK_GAP)
            next_x[0] += BOX_W + STACK_INDENT + GAP_X
        spread = [c.x for c in kids if c not in stacked] + ([stacked[0].x - STACK_INDENT] if stacked else [])
        if spread:
            node.x = (min(spread) + max(spread)) / 2
        else:
            node.x = next_x[0]
            next_x[0] += BOX_W + GAP_X

    for root in roots:
        place(root, 0)
    edges = []
    for node in nodes.values():
        parent = nodes.get(node.body.reports_to_id)
        if parent is not None and node.stacked:
            bus, top = node.x - STACK_INDENT / 2, parent.y + BOX_H
            path = (
                f"M{parent.cx:.0f},{top:.0f} V{top + GAP_Y / 2:.0f} H{bus:.0f} V{node.y + BOX_H / 2:.0f} H{node.x:.0f}"
            )
            edges.append(Edge(path, "reports"))
        elif parent is not None and node not in roots:
            edges.append(Edge(_elbow(node.cx, node.y, parent.cx, parent.y + BOX_H), "reports"))
        preparer = nodes.get(node.body.prepared_by_id)
        if preparer is not None and preparer is not node:
            edges.append(Edge(_curve(preparer, node), "prepares"))
    for node in nodes.values():
        node.x, node.y = round(node.x), round(node.y)
    width = max((n.x for n in nodes.values()), default=0) + BOX_W + MARGIN
    height = max((n.y for n in nodes.values()), default=0) + BOX_H + MARGIN
    return {"nodes": list(nodes.values()), "edges": edges, "width": int(width), "height": int(height)}


def _would_cycle(node, nodes):
    seen, current = set(), node
    while current is not None:
        if current.body.pk in seen:
            return True
        seen.add(current.body.pk)
        current = nodes.get(current.body.reports_to_id)
    return False


def _elbow(x1, y1, x2, y2):
    mid = (y1 + y2) / 2
    return f"M{x1:.0f},{y1:.0f} V{mid:.0f} H{x2:.0f} V{y2:.0f}"


def _curve(source, target):
    """A dashed curve between the sides of two boxes, bowing away from the reporting lines."""
    if source.x <= target.x:
        x1, x2 = source.x + BOX_W, target.x
    else:
        x1, x2 = source.x, target.x + BOX_W
    y1, y2 = source.y + BOX_H / 2, target.y + BOX_H / 2
    bow = min(abs(y2 - y1), 60) + 30
    return f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 - bow:.0f} {x2:.0f},{y2 - bow:.0f} {x2:.0f},{y2:.0f}"
