"""Imports point one way: the import-linter contracts in pyproject.toml hold, and the schema (model relations
and migration dependencies, which import-linter cannot see) follows the same layers, so a new cycle fails here."""

import tomllib
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _layers():
    """App label -> height in the layers contract (0 is the bottom), read from pyproject.toml."""
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    return {
        module.strip().removeprefix("samverkan."): height
        for height, layer in enumerate(reversed(layers))
        for module in layer.split("|")
    }


def _ours(app_label):
    return app_label in LAYERS


LAYERS = _layers()


def test_import_linter_contracts_hold():
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True) == 0, "import-linter: a contract is broken"


def test_every_app_has_a_layer():
    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("samverkan.")}
    assert ours <= set(LAYERS), f"put {sorted(ours - set(LAYERS))} in the layers contract of pyproject.toml"


def test_model_relations_point_down():
    """A foreign key or many-to-many may point at its own app or at a lower layer only."""
    wrong = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.app_label
        if not _ours(label):
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            if _ours(target) and target != label and LAYERS[target] >= LAYERS[label]:
                wrong.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert not wrong, wrong


def test_migration_dependencies_point_down():
    """A migration may depend on its own app's migrations or on a lower layer's, never on a higher one's."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    wrong = []
    for (label, name), migration in loader.disk_migrations.items():
        if not _ours(label):
            continue
        for other, other_name in migration.dependencies:
            if _ours(other) and other != label and LAYERS[other] >= LAYERS[label]:
                wrong.append(f"{label}.{name} depends on {other}.{other_name}")
        for other, other_name in migration.run_before:
            if _ours(other) and other != label and LAYERS[other] <= LAYERS[label]:
                wrong.append(f"{label}.{name} runs before {other}.{other_name}")
    assert not wrong, wrong


def test_moved_models_keep_their_tables():
    """Role and Matter moved apps to break the cycles; their rows stayed where they were."""
    tables = {m._meta.label: m._meta.db_table for m in apps.get_models()}
    assert tables["structure.Role"] == "accounts_role"
    assert tables["structure.HistoricalRole"] == "accounts_historicalrole"
    assert tables["meetings.Matter"] == "followthrough_matter"
    assert tables["meetings.HistoricalMatter"] == "followthrough_historicalmatter"
