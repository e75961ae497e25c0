"""URLs of the org-structure app, under /intranet/ (namespace "office")."""

from django.urls import include, path

from office.views import (
    announcements,
    audit,
    backups,
    budgets,
    directory,
    documents,
    equipment,
    health,
    home,
    notifications,
    org,
    people,
    techsvc,
)

app_name = "office"

urlpatterns = [
    path("", home.home, name="home"),
    path("health/", health.health, name="health"),
    path("schedules/", health.schedule_list, name="schedule_list"),
    path("dashboard/", include("office.dashboard.urls")),
    # staff directory and departments
    path("staff/", directory.StaffDirectoryView.as_view(), name="staff_directory"),
    path("staff/<int:pk>/", directory.StaffDetailView.as_view(), name="staff_detail"),
    path("me/", directory.my_profile, name="my_profile"),
    path("departments/<int:pk>/", directory.DepartmentDetailView.as_view(), name="department_detail"),
    # policies and job duties
    path("documents/", documents.DocumentListView.as_view(), name="document_list"),
    path("documents/new/", documents.document_create, name="document_create"),
    path("documents/<int:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", documents.document_edit, name="document_edit"),
    path("documents/<int:pk>/versions/<int:number>/", documents.document_version, name="document_version"),
    path("documents/<int:pk>/compare/", documents.document_compare, name="document_compare"),
    # announcements
    path("announcements/", announcements.AnnouncementListView.as_view(), name="announcement_list"),
    path("announcements/new/", announcements.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/", announcements.AnnouncementDetailView.as_view(), name="announcement_detail"),
    path("announcements/<int:pk>/edit/", announcements.announcement_edit, name="announcement_edit"),
    # budgets
    path("budgets/", budgets.budget_list, name="budget_list"),
    path("budgets/allocate/", budgets.budget_allocate, name="budget_allocate"),
    path("budgets/<int:pk>/", budgets.budget_detail, name="budget_detail"),
    # notifications
    path("notifications/", notifications.NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
    # audit log
    path("audit/", audit.audit_list, name="audit_list"),
    # technical services: backups
    path("backups/", backups.backup_list, name="backup_list"),
    path("backups/run/", techsvc.backup_run_now, name="backup_run"),
    path("backups/<int:pk>/", backups.backup_detail, name="backup_detail"),
    path("backups/<int:pk>/files/<str:name>", backups.backup_download, name="backup_download"),
    # technical services: equipment and maintenance tickets
    path("equipment/", equipment.equipment_list, name="equipment_list"),
    path("equipment/<int:pk>/", equipment.equipment_detail, name="equipment_detail"),
    path("tickets/", equipment.ticket_list, name="ticket_list"),
    path("tickets/new/", equipment.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", equipment.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/assign/", equipment.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/close/", equipment.ticket_close, name="ticket_close"),
    # org structure and personnel: the leadership office (issue 16)
    path("org/", org.org_chart, name="org_chart"),
    path("org/units/new/", org.unit_create, name="org_unit_create"),
    path("org/units/<int:pk>/", org.unit_detail, name="org_unit"),
    path("org/units/<int:pk>/rename/", org.unit_rename, name="org_unit_rename"),
    path("org/units/<int:pk>/move/", org.unit_move, name="org_unit_move"),
    path("org/units/<int:pk>/functions/", org.unit_functions, name="org_unit_functions"),
    path("org/units/<int:pk>/close/", org.unit_close, name="org_unit_close"),
    path("org/positions/", org.position_list, name="org_positions"),
    path("org/positions/new/", org.position_edit, name="org_position_create"),
    path("org/positions/<int:pk>/", org.position_edit, name="org_position_edit"),
    path("org/people/", people.people_list, name="org_people"),
    path("org/people/invite/", people.person_invite, name="org_person_invite"),
    path("org/people/<int:user_id>/", people.person_detail, name="org_person"),
    path("org/people/<int:user_id>/transfer/", people.person_transfer, name="org_person_transfer"),
    path("org/people/<int:user_id>/deputies/", people.person_deputy, name="org_person_deputy"),
    path(
        "org/people/<int:user_id>/deputies/<int:row>/end/",
        people.person_deputy_end,
        name="org_person_deputy_end",
    ),
    path("org/people/<int:user_id>/deactivate/", people.person_deactivate, name="org_person_deactivate"),
    path("org/people/<int:user_id>/reactivate/", people.person_reactivate, name="org_person_reactivate"),
    path("org/people/<int:user_id>/reinvite/", people.person_reinvite, name="org_person_reinvite"),
    # technical services: schedules and the equipment inventory (issue 16)
    path("schedules/<int:pk>/edit/", techsvc.schedule_edit, name="schedule_edit"),
    path("schedules/retention/", techsvc.retention_edit, name="backup_retention"),
    path("equipment/new/", techsvc.equipment_create, name="equipment_create"),
    path("equipment/<int:pk>/edit/", techsvc.equipment_edit, name="equipment_edit"),
    path("equipment/<int:pk>/retire/", techsvc.equipment_retire, name="equipment_retire"),
    path("equipment/<int:pk>/documents/", techsvc.equipment_document_add, name="equipment_document_add"),
    path(
        "equipment/<int:pk>/documents/<int:doc>/",
        techsvc.equipment_document_download,
        name="equipment_document",
    ),
]
