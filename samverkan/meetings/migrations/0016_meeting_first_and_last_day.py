"""Meeting.first_day and last_day, stored from the meeting's days (issue 11), filled for every meeting."""

from django.db import migrations, models
from django.db.models import Max, Min, OuterRef, Subquery


def fill(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    MeetingDay = apps.get_model("meetings", "MeetingDay")
    days = MeetingDay.objects.filter(meeting_id=OuterRef("pk")).order_by().values("meeting_id")
    Meeting.objects.update(
        first_day=Subquery(days.annotate(d=Min("date")).values("d")),
        last_day=Subquery(days.annotate(d=Max("date")).values("d")),
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0015_ical_sequence_and_struck_day")]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="first_day",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="första dag"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="last_day",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="sista dag"),
        ),
        migrations.AddIndex(
            model_name="meeting", index=models.Index(fields=["body", "first_day"], name="meeting_body_first_day")
        ),
        migrations.AddIndex(model_name="meeting", index=models.Index(fields=["first_day"], name="meeting_first_day")),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
