"""Assignment.due, the effective due date stored (issue 11): the due date, else the report-back meeting's first
day; filled for every assignment, with an index in the lists' order (due, id)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Assignment = apps.get_model("followthrough", "Assignment")
    Meeting = apps.get_model("meetings", "Meeting")
    first_day = Meeting.objects.filter(pk=OuterRef("report_back_meeting_id")).values("first_day")[:1]
    Assignment.objects.update(due=Coalesce("due_date", Subquery(first_day)))


class Migration(migrations.Migration):
    dependencies = [
        ("followthrough", "0005_recommendation_decision_counts"),
        ("meetings", "0016_meeting_first_and_last_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="due",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="förfallodag"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(model_name="assignment", index=models.Index(fields=["due", "id"], name="assignment_due")),
    ]
