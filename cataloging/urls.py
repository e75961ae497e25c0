from django.urls import path

from cataloging import views, views_fees

app_name = "cataloging"

urlpatterns = [
    path("", views.record_search, name="record_search"),
    path("public/", views.public_search, name="public_search"),
    path("public/<int:pk>/", views.public_record_detail, name="public_record_detail"),
    path("public/browse/", views.public_classification_browse, name="public_classification_browse"),
    path("browse/", views.classification_browse, name="classification_browse"),
    path("mine/", views.my_catalog, name="my_catalog"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/versions/", views.record_versions, name="record_versions"),
    path("records/<int:pk>/submit/", views.record_submit, name="record_submit"),
    path("records/<int:pk>/review/start/", views.record_review_start, name="record_review_start"),
    path("records/<int:pk>/approve/", views.record_approve, name="record_approve"),
    path("records/<int:pk>/reject/", views.record_reject, name="record_reject"),
    path("records/<int:pk>/return/", views.record_return, name="record_return"),
    path("records/<int:pk>/copy/", views.record_copy, name="record_copy"),
    path("holdings/<int:pk>/edit/", views.holding_edit, name="holding_edit"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_job_detail, name="import_job_detail"),
    path("import/<int:pk>/progress/", views.import_job_progress, name="import_job_progress"),
    path("import/<int:pk>/report.csv", views.import_job_report, name="import_job_report"),
    path("export/", views.export, name="export"),
    path("fees/", views.fee_ledger, name="fee_ledger"),
    path("fees/close/", views.statement_close, name="statement_close"),
    path("fees/schedules/", views_fees.fee_schedules, name="fee_schedules"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>/pay/", views.statement_pay, name="statement_pay"),
]
