from django.urls import path

from variances.api import export_views, views

# Literal paths before the {date} ones, so `latest` and `filtered` are never read as dates.
urlpatterns = [
    path("variance-report/latest", views.report_latest, name="variance-report-latest"),
    path("variance-report/filtered", views.report_filtered, name="variance-report-filtered"),
    path("variance-report/<str:date>", views.report_for_date, name="variance-report-date"),
    path("variances/available-dates", views.available_dates, name="variances-available-dates"),
    path("variances/historical/<str:date>", views.historical, name="variances-historical"),
    path("variances/trends", views.trends, name="variances-trends"),
    path("exceptions", views.ExceptionList.as_view(), name="exception-list"),
    path("exceptions/status-summary", views.status_summary, name="exception-status-summary"),
    path("exceptions/bulk-update", views.bulk_update, name="exception-bulk-update"),
    path("exceptions/<int:id>", views.ExceptionDetail.as_view(), name="exception-detail"),
    path("exceptions/<int:id>/resolve", views.resolve, name="exception-resolve"),
    path("exceptions/<int:id>/mark-manually-fixed", views.mark_manually_fixed, name="exception-mark-manually-fixed"),
    # Exports (docs/exports.md)
    path("variances/export/csv", export_views.export_csv, name="variances-export-csv"),
    path("variances/export/excel", export_views.export_excel, name="variances-export-excel"),
    path("variances/export/pdf", export_views.export_pdf, name="variances-export-pdf"),
    path("variances/export/jobs/<int:id>", export_views.export_job, name="variances-export-job"),
    path("variances/export/jobs/<int:id>/download", export_views.export_job_download,
         name="variances-export-job-download"),
]
