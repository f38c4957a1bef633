"""A served process settles before its first request (samverkan/lib/process.py)."""

import gc

from samverkan.lib.process import settle


def test_settle_freezes_the_loaded_process_out_of_full_collections():
    kept = [{"n": n} for n in range(20_000)]  # alive, tracked by the collector
    tracked_before = len(gc.get_objects())
    frozen = settle()
    assert frozen > 10_000 + len(kept)  # Django and our code, loaded, and what is alive
    assert len(gc.get_objects()) < tracked_before / 5  # what a full collection still walks
    garbage = [[]]
    garbage[0].append(garbage)  # made after settling: a cycle the collector still frees
    del garbage
    assert gc.collect() >= 1
