from django.db import migrations, models


class Migration(migrations.Migration):
    """A flag's reason is kept as a message id and its parameters, rendered for the reader; the
    flags written before keep their text as it is (params NULL)."""

    dependencies = [
        ("payments", "0005_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="discrepancy_params",
            field=models.JSONField(blank=True, null=True, verbose_name="discrepancy parameters"),
        ),
    ]
