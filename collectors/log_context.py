"""A collector job's log lines carry its job and batch ids, whichever worker runs it (connected from
CollectorsConfig.ready(); the task id and name come from esinv.task_logging, which runs first)."""
from django.dispatch import receiver
from django_q.signals import pre_execute

from esinv.request_context import bind_log_context

JOB_TASK = "collectors.tasks.run_collector_job"


@receiver(pre_execute, dispatch_uid="collectors.log_context.bind_job")
def bind_job(sender, func=None, task=None, **kwargs):
    task = task or {}
    if task.get("func") != JOB_TASK or not task.get("args"):
        return
    from collectors.models import CollectorJob

    job_id = str(task["args"][0])
    batch_id = CollectorJob.objects.filter(job_id=job_id).values_list("batch__batch_id", flat=True).first()
    bind_log_context(job_id=job_id, batch_id=batch_id)
