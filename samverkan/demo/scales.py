"""The generator's scales, seed and version: plain Python, so `samverkan bench` can read them without Django."""

from dataclasses import dataclass

# Bumped whenever the generated data changes shape, so the benchmark knows a stored database is stale.
GENERATOR_VERSION = 3  # 3: the search index is generated
DEFAULT_SEED = 20251111


@dataclass(frozen=True)
class Scale:
    """How much to make: `areas` areas of `principals` principals and `bodies` bodies over `years` years."""

    areas: int
    principals: int
    bodies: int
    years: int


SCALES = {
    "tiny": Scale(areas=1, principals=5, bodies=4, years=2),
    "small": Scale(areas=1, principals=8, bodies=8, years=3),
    "county": Scale(areas=1, principals=16, bodies=60, years=10),
    "nation": Scale(areas=21, principals=16, bodies=60, years=10),
}
