"""Assignment.area and Recommendation.area, the deciding area stored (issue 11): the area of the item's
meeting's body, filled for every row, with indexes in the area lists' order ((area, due, id) and
(area, decided_on, id)), so an area's lists read only its rows."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    area = Subquery(AgendaItem.objects.filter(pk=OuterRef("item_id")).values("meeting__body__area_id")[:1])
    for name in ("Assignment", "Recommendation"):
        apps.get_model("followthrough", name).objects.update(area_id=area)


def _field(null):
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="structure.area",
        verbose_name="samverkansområde",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("followthrough", "0006_assignment_due"),
        ("meetings", "0016_meeting_first_and_last_day"),
        ("structure", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="assignment", name="area", field=_field(True)),
        migrations.AddField(model_name="recommendation", name="area", field=_field(True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="assignment", name="area", field=_field(False)),
        migrations.AlterField(model_name="recommendation", name="area", field=_field(False)),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["area", "due", "id"], name="assignment_area_due"),
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["area", "decided_on", "id"], name="recommendation_area_decided"),
        ),
    ]
