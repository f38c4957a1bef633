"""A served process settles before its first request (samverkan/lib/process.py)."""

import gc

from samverkan.lib.process import settle


def test_settle_freezes_the_loaded_process_out_of_full_collections():
    kept = [{"n": n} for n in range(20_000)]  # alive, tracked by the collector
    tracked_before, frozen_before = len(gc.get_objects()), gc.get_freeze_count()
    frozen = settle()
    assert frozen >= frozen_before + len(kept)  # what is alive now is frozen too
    assert len(gc.get_objects()) < tracked_before / 5  # what a full collection still walks
    garbage = [[]]
    garbage[0].append(garbage)  # made after settling: a cycle the collector still frees
    del garbage
    assert gc.collect() >= 1
