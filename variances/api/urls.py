"""Routes of the variances API: every endpoint is a viewset on this router, paths as documented.

The router lists a viewset's literal actions (`variance-report/latest`, `/filtered`) before its
`{date}` route, so those words are never read as dates.
"""
from rest_framework.routers import SimpleRouter

from variances.api import export_views, views

router = SimpleRouter(trailing_slash=False)
router.register("variance-report", views.VarianceReportViewSet, basename="variance-report")
router.register("variances/export/jobs", export_views.ExportJobViewSet, basename="variances-export-job")
router.register("variances/export", export_views.VarianceExportViewSet, basename="variances-export")
router.register("variances", views.VarianceHistoryViewSet, basename="variances")
router.register("exceptions", views.ExceptionViewSet, basename="exception")

urlpatterns = router.urls
