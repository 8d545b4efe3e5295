"""gunicorn settings for deploy/web; each can be overridden from the environment (docs/deployment.md)."""
import os
import shutil

bind = os.environ.get("ESINV_BIND", "127.0.0.1:5400")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Only the proxy talks to gunicorn; Django reads X-Forwarded-Proto itself (BEHIND_TLS_PROXY).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The app logs one line per request itself (with its request id); gunicorn's access log is off by default.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# gunicorn's control socket (a per-user path shared by every gunicorn of that user) is not used.
control_socket_disable = True


def on_starting(server):
    # Metric files of a previous run would be summed into this one's counters.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and os.path.isdir(directory):
        shutil.rmtree(directory)
        os.makedirs(directory)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
