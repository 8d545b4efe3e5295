"""Log lines written inside a django-q2 task carry its id and name (and what apps add, e.g. the collector job
and batch ids: collectors/log_context.py). Connected from EsinvConfig.ready()."""
from django.dispatch import receiver
from django_q.signals import post_execute_in_worker, pre_execute

from esinv.request_context import bind_log_context, clear_log_context


@receiver(pre_execute, dispatch_uid="esinv.task_logging.start")
def bind_task(sender, func=None, task=None, **kwargs):
    clear_log_context()
    task = task or {}
    bind_log_context(task_id=task.get("id"), task=task.get("name") or getattr(func, "__name__", None))


@receiver(post_execute_in_worker, dispatch_uid="esinv.task_logging.end")
def unbind_task(sender, **kwargs):
    clear_log_context()
