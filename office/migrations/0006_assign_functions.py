"""Give existing installations the functions their fixed department codes used to grant, so
behaviour is unchanged: technical services for the "techsvc" unit and the groups directly in
it; catalog review for "infodev" and every unit below it; the other demo functions by code."""

from django.db import migrations

BY_CODE = {
    "leadership": ["finance"],
    "infodev": ["information_development"],
    "navigation": ["navigation"],
    "special": ["digital_resources"],
    "custsvc": ["customer_service"],
}


def assign(apps, schema_editor):
    Department = apps.get_model("office", "Department")
    DepartmentFunction = apps.get_model("office", "DepartmentFunction")
    units = {unit.pk: unit for unit in Department.objects.all()}

    def give(unit, function):
        DepartmentFunction.objects.get_or_create(department_id=unit.pk, function=function)

    for unit in units.values():
        for function in BY_CODE.get(unit.code, []):
            give(unit, function)
        parent = units.get(unit.parent_id)
        if unit.code == "techsvc" or (parent is not None and parent.code == "techsvc"):
            give(unit, "technical_services")
        seen, walk = set(), unit
        while walk is not None and walk.pk not in seen:
            if walk.code == "infodev":
                give(unit, "catalog_review")
                break
            seen.add(walk.pk)
            walk = units.get(walk.parent_id)


class Migration(migrations.Migration):
    dependencies = [("office", "0005_department_closed_at_position_duties_and_more")]

    operations = [migrations.RunPython(assign, migrations.RunPython.noop)]
