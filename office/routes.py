"""URLs of the org-structure app, under /intranet/ (namespace "office")."""

from django.urls import include, path

from office import views, views_org, views_people, views_techsvc

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("schedules/", views.schedule_list, name="schedule_list"),
    path("dashboard/", include("office.dashboard.urls")),
    # staff directory and departments
    path("staff/", views.StaffDirectoryView.as_view(), name="staff_directory"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("me/", views.my_profile, name="my_profile"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    # policies and job duties
    path("documents/", views.DocumentListView.as_view(), name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/versions/<int:number>/", views.document_version, name="document_version"),
    path("documents/<int:pk>/compare/", views.document_compare, name="document_compare"),
    # announcements
    path("announcements/", views.AnnouncementListView.as_view(), name="announcement_list"),
    path("announcements/new/", views.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/", views.AnnouncementDetailView.as_view(), name="announcement_detail"),
    path("announcements/<int:pk>/edit/", views.announcement_edit, name="announcement_edit"),
    # budgets
    path("budgets/", views.budget_list, name="budget_list"),
    path("budgets/allocate/", views.budget_allocate, name="budget_allocate"),
    path("budgets/<int:pk>/", views.budget_detail, name="budget_detail"),
    # notifications
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    # audit log
    path("audit/", views.audit_list, name="audit_list"),
    # technical services: backups
    path("backups/", views.backup_list, name="backup_list"),
    path("backups/run/", views_techsvc.backup_run_now, name="backup_run"),
    path("backups/<int:pk>/", views.backup_detail, name="backup_detail"),
    path("backups/<int:pk>/files/<str:name>", views.backup_download, name="backup_download"),
    # technical services: equipment and maintenance tickets
    path("equipment/", views.equipment_list, name="equipment_list"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment_detail"),
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/close/", views.ticket_close, name="ticket_close"),
    # org structure and personnel: the leadership office (issue 16)
    path("org/", views_org.org_chart, name="org_chart"),
    path("org/units/new/", views_org.unit_create, name="org_unit_create"),
    path("org/units/<int:pk>/", views_org.unit_detail, name="org_unit"),
    path("org/units/<int:pk>/rename/", views_org.unit_rename, name="org_unit_rename"),
    path("org/units/<int:pk>/move/", views_org.unit_move, name="org_unit_move"),
    path("org/units/<int:pk>/functions/", views_org.unit_functions, name="org_unit_functions"),
    path("org/units/<int:pk>/close/", views_org.unit_close, name="org_unit_close"),
    path("org/positions/", views_org.position_list, name="org_positions"),
    path("org/positions/new/", views_org.position_edit, name="org_position_create"),
    path("org/positions/<int:pk>/", views_org.position_edit, name="org_position_edit"),
    path("org/people/", views_people.people_list, name="org_people"),
    path("org/people/invite/", views_people.person_invite, name="org_person_invite"),
    path("org/people/<int:user_id>/", views_people.person_detail, name="org_person"),
    path("org/people/<int:user_id>/transfer/", views_people.person_transfer, name="org_person_transfer"),
    path("org/people/<int:user_id>/deputies/", views_people.person_deputy, name="org_person_deputy"),
    path(
        "org/people/<int:user_id>/deputies/<int:row>/end/",
        views_people.person_deputy_end,
        name="org_person_deputy_end",
    ),
    path("org/people/<int:user_id>/deactivate/", views_people.person_deactivate, name="org_person_deactivate"),
    path("org/people/<int:user_id>/reactivate/", views_people.person_reactivate, name="org_person_reactivate"),
    path("org/people/<int:user_id>/reinvite/", views_people.person_reinvite, name="org_person_reinvite"),
    # technical services: schedules and the equipment inventory (issue 16)
    path("schedules/<int:pk>/edit/", views_techsvc.schedule_edit, name="schedule_edit"),
    path("schedules/retention/", views_techsvc.retention_edit, name="backup_retention"),
    path("equipment/new/", views_techsvc.equipment_create, name="equipment_create"),
    path("equipment/<int:pk>/edit/", views_techsvc.equipment_edit, name="equipment_edit"),
    path("equipment/<int:pk>/retire/", views_techsvc.equipment_retire, name="equipment_retire"),
    path("equipment/<int:pk>/documents/", views_techsvc.equipment_document_add, name="equipment_document_add"),
    path(
        "equipment/<int:pk>/documents/<int:doc>/",
        views_techsvc.equipment_document_download,
        name="equipment_document",
    ),
]
