from django.urls import path

from cataloging.views import catalog, fees, holdings, import_export, records, review, statements

app_name = "cataloging"

urlpatterns = [
    path("", catalog.record_search, name="record_search"),
    path("public/", catalog.public_search, name="public_search"),
    path("public/<int:pk>/", records.public_record_detail, name="public_record_detail"),
    path("public/browse/", catalog.public_classification_browse, name="public_classification_browse"),
    path("browse/", catalog.classification_browse, name="classification_browse"),
    path("mine/", records.my_catalog, name="my_catalog"),
    path("records/new/", records.record_create, name="record_create"),
    path("records/<int:pk>/", records.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", records.record_edit, name="record_edit"),
    path("records/<int:pk>/versions/", records.record_versions, name="record_versions"),
    path("records/<int:pk>/submit/", review.record_submit, name="record_submit"),
    path("records/<int:pk>/review/start/", review.record_review_start, name="record_review_start"),
    path("records/<int:pk>/approve/", review.record_approve, name="record_approve"),
    path("records/<int:pk>/reject/", review.record_reject, name="record_reject"),
    path("records/<int:pk>/return/", review.record_return, name="record_return"),
    path("records/<int:pk>/copy/", holdings.record_copy, name="record_copy"),
    path("holdings/<int:pk>/edit/", holdings.holding_edit, name="holding_edit"),
    path("review/", review.review_queue, name="review_queue"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("import/", import_export.import_upload, name="import_upload"),
    path("import/<int:pk>/", import_export.import_job_detail, name="import_job_detail"),
    path("import/<int:pk>/progress/", import_export.import_job_progress, name="import_job_progress"),
    path("import/<int:pk>/report.csv", import_export.import_job_report, name="import_job_report"),
    path("export/", import_export.export, name="export"),
    path("fees/", statements.fee_ledger, name="fee_ledger"),
    path("fees/close/", statements.statement_close, name="statement_close"),
    path("fees/schedules/", fees.fee_schedules, name="fee_schedules"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/pdf/", statements.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>/pay/", statements.statement_pay, name="statement_pay"),
]
