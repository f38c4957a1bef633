"""Recommendation.decisions_asked and decisions_pending, stored from the principals' decisions (issue 11),
filled for every recommendation."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Recommendation = apps.get_model("followthrough", "Recommendation")
    PrincipalDecision = apps.get_model("followthrough", "PrincipalDecision")
    rows = PrincipalDecision.objects.filter(recommendation_id=OuterRef("pk")).order_by().values("recommendation_id")
    Recommendation.objects.update(
        decisions_asked=Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0),
        decisions_pending=Coalesce(
            Subquery(rows.annotate(n=Count("pk", filter=Q(outcome="pending"))).values("n")), 0
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("followthrough", "0004_dispatch")]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="decisions_asked",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="tillfrågade huvudmän"),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="decisions_pending",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="beslut som väntar"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
