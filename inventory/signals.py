"""What inventory tells the apps above it, without importing them (they connect from their AppConfig.ready()).

`windows11_run_failed`: sent (with `send_robust`: a failing receiver is logged, never raised) when a Windows 11
assessment run ends failed, once its row says so: the run raised (`inventory.windows11.service.run_assessment`),
or a later run found it still `running` past ESINV_WIN11_RUN_STALE_MINUTES and marked it abandoned. Arguments
(besides `sender`, the Windows11Run class): `run`, the Windows11Run as stored (its `message` says why).
A successful run needs no signal: it is saved with `.save()`, so `post_save` tells.
"""
import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)

windows11_run_failed = Signal()


def send_windows11_run_failed(run_pk: int) -> None:
    """Send `windows11_run_failed` for a run stored as failed. Never raises: the failure it reports (re-raised
    by the caller) is what matters."""
    from inventory.models import Windows11Run

    try:
        run = Windows11Run.objects.get(pk=run_pk)
    except Exception:  # e.g. the database is what failed
        log.exception("windows11_run_failed not sent for run %s", run_pk)
        return
    for receiver, result in windows11_run_failed.send_robust(sender=Windows11Run, run=run):
        if isinstance(result, Exception):
            log.error("a receiver of windows11_run_failed (%s) failed for run %s: %s", receiver, run.pk, result,
                      exc_info=result)
