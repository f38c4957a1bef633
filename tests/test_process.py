"""A served process settles before its first request (samverkan/lib/process.py)."""

import gc

from samverkan.lib.process import settle


def test_settle_freezes_the_loaded_process_out_of_full_collections():
    tracked_before = len(gc.get_objects())
    try:
        frozen = settle()
        assert frozen > 10_000  # Django and our code, loaded
        assert len(gc.get_objects()) < tracked_before / 5  # what a full collection still walks
        garbage = [[]]
        garbage[0].append(garbage)  # made after settling: a cycle the collector still frees
        del garbage
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
