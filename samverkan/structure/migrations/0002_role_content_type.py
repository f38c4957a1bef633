# Role moved from accounts to structure (same tables, see 0001). Its content types follow, so admin log
# entries and permissions that name them stay attached. Nothing to do on a fresh database.

from django.db import migrations

MODELS = ["role", "historicalrole"]


def move_content_types(apps, schema_editor, old="accounts", new="structure"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="structure", new="accounts")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("structure", "0001_initial"),
    ]

    operations = [migrations.RunPython(move_content_types, move_back)]
