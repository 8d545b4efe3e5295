from django.urls import path

from collectors.api import views

urlpatterns = [
    path("collectors/run", views.run_collectors, name="collectors-run"),
    path("collectors/runs/batch/<str:batch_id>", views.batch_detail, name="collectors-batch"),
    path("collectors/status", views.collectors_status, name="collectors-status"),
    path("collectors/history", views.collectors_history, name="collectors-history"),
    path("collectors/progress", views.collectors_progress, name="collectors-progress"),
    path("collectors/cleanup-stale", views.cleanup_stale, name="collectors-cleanup-stale"),
]
