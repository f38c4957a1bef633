# Matter moved from followthrough to meetings (same tables, see 0002). Its content types follow, so admin log
# entries and permissions that name them stay attached. Nothing to do on a fresh database.

from django.db import migrations

MODELS = ["matter", "historicalmatter"]


def move_content_types(apps, schema_editor, old="followthrough", new="meetings"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="meetings", new="followthrough")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0002_agendaitem_decision_agendaitem_matter_and_more"),
    ]

    operations = [migrations.RunPython(move_content_types, move_back)]
