"""Assignment.public and Recommendation.public, the visitor's rule stored (issue 11): whether the item is public,
of a public meeting of a public body, with published minutes (`followthrough.models.public_item_rule` as it was
written when this migration was), filled for every row, with indexes (area, public, due, id) and
(area, public, decided_on, id) so a visitor's lists of an area read only its public rows."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def fill(apps, schema_editor):
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    public = AgendaItem.objects.filter(
        Q(visibility="public", meeting__visibility="public", meeting__body__visibility="public")
        & Q(meeting__status="published"),  # published minutes: never an imported meeting's unpublished ones
        pk=OuterRef("item_id"),
    )
    for name in ("Assignment", "Recommendation"):
        apps.get_model("followthrough", name).objects.update(public=Exists(public))


class Migration(migrations.Migration):
    dependencies = [
        ("followthrough", "0007_followthrough_stored_area"),
        ("meetings", "0016_meeting_first_and_last_day"),
        ("structure", "0006_principal_registry_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="public",
            field=models.BooleanField(default=False, editable=False, verbose_name="offentligt"),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="public",
            field=models.BooleanField(default=False, editable=False, verbose_name="offentligt"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["area", "public", "due", "id"], name="assignment_area_public_due"),
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["area", "public", "decided_on", "id"], name="recommendation_area_public"),
        ),
    ]
