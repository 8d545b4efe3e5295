"""django-q2 entry point. The collectors schedule "inventory.windows11.tasks.assess_windows11"
45 minutes after each successful NinjaOne collection; keep this path and signature."""
import logging

from inventory.windows11.service import AssessmentAlreadyRunning, run_assessment

log = logging.getLogger(__name__)


def assess_windows11(trigger: str = "schedule") -> dict:
    """Assess and store every NinjaOne Windows workstation; returns the run summary (stored by django-q).

    A run already in progress makes this one a no-op ("skipped"); no NinjaOne
    data raises NoNinjaData, so django-q records the task as failed.
    """
    try:
        return run_assessment(trigger=trigger, actor="django-q").as_dict()
    except AssessmentAlreadyRunning as exc:
        log.info("Windows 11 assessment skipped: %s", exc)
        return {"status": "skipped", "message": str(exc)}
