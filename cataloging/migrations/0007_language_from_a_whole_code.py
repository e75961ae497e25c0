"""Records read with a short 008 got a two-letter "language" (the demo wrote "hi" for "chi").
Read the language again from each such record's current MARC: 008/35-37 when it is a whole
code, else 041 $a, else the code the shifted 008 carries one position earlier."""

from django.db import migrations


def reread(apps, schema_editor):
    from django.db.models.functions import Length

    from cataloging.marc import extract, record_from_storage

    BibRecord = apps.get_model("cataloging", "BibRecord")
    RecordVersion = apps.get_model("cataloging", "RecordVersion")
    short = BibRecord.objects.annotate(n=Length("language")).filter(n__in=[1, 2])
    for record in short.iterator():
        version = RecordVersion.objects.filter(record_id=record.pk).order_by("-number").first()
        if version is None:
            continue
        marc = record_from_storage(bytes(version.marc))
        language = str(extract(marc)["fields"]["language"])
        if not language:
            fixed = marc.get_fields("008")
            data = fixed[0].data if fixed and fixed[0].data else ""
            shifted = data[34:37]
            if len(shifted) == 3 and shifted.isascii() and shifted.isalpha() and shifted[1:] == record.language:
                language = shifted.lower()
        BibRecord.objects.filter(pk=record.pk).update(language=language)


class Migration(migrations.Migration):
    dependencies = [("cataloging", "0006_plain_indexes_without_like")]

    operations = [migrations.RunPython(reread, migrations.RunPython.noop)]
