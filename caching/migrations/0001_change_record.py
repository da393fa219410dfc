import random

from django.db import migrations, models


def first_record(apps, schema_editor):
    draw = random.SystemRandom().getrandbits
    apps.get_model("caching", "ChangeRecord").objects.create(id=1, any_change=draw(53), sitewide_change=draw(53))


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ChangeRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("any_change", models.BigIntegerField()),
                ("sitewide_change", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "record of change",
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="caching_one_change_record")],
            },
        ),
        migrations.RunPython(first_record, migrations.RunPython.noop),
    ]
