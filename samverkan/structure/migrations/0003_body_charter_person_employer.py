# Names that collided: Body.assignment (the charter text, "uppdragsbeskrivning") vs the follow-through
# Assignment, and Person.organisation vs Membership.principal. Columns are renamed; data stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("structure", "0002_role_content_type"),
    ]

    operations = [
        migrations.RenameField(model_name="body", old_name="assignment", new_name="charter"),
        migrations.RenameField(model_name="historicalbody", old_name="assignment", new_name="charter"),
        migrations.RenameField(model_name="person", old_name="organisation", new_name="employer"),
        migrations.RenameField(model_name="historicalperson", old_name="organisation", new_name="employer"),
    ]
