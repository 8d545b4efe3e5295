"""Collect now, in this process: `manage.py collect [--vendor all|NAME[,NAME...]] [--date YYYY-MM-DD [--backfill]]`."""
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from collectors import registry, runs
from collectors.models import RunStatus


class Progress:
    """A one-line bar on a terminal; plain log lines (on each new stage or 25%) otherwise."""

    def __init__(self, stream, label: str, tty: bool):
        self.stream, self.label, self.tty = stream, label, tty
        self.last_stage, self.last_percent = None, -100

    def __call__(self, percent: int, message: str):
        if self.tty:
            bar = "#" * (percent * 30 // 100)
            self.stream.write(f"\r{self.label:<13} [{bar:.<30}] {percent:3d}%  {message[:60]:<60}")
            self.stream.flush()
            return
        stage = message.split(":", 1)[-1].split(" ")[1:3]
        if stage != self.last_stage or percent - self.last_percent >= 25:
            self.stream.write(f"{timezone.now():%H:%M:%S} {self.label}: {percent}% {message}\n")
            self.last_stage, self.last_percent = stage, percent

    def done(self):
        if self.tty:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Run collectors now in this process, as a batch like the API's (progress bar on a terminal)."

    def add_arguments(self, parser):
        parser.add_argument("--vendor", default="all", help=(
            "all (= COLLECTORS_DEFAULT, default: " + ",".join(settings.COLLECTORS_DEFAULT) + "), or one or more "
            f"(a comma list) of: {', '.join(registry.names())}"))
        parser.add_argument("--date", help="File the snapshot under this date (YYYY-MM-DD, default today; at most "
                                           "ESINV_SNAPSHOT_RETENTION_DAYS back without --backfill).")
        parser.add_argument("--backfill", action="store_true",
                            help="Allow a --date older than ESINV_SNAPSHOT_RETENTION_DAYS (not before "
                                 f"{runs.EARLIEST_BACKFILL_DAY.isoformat()}): today's vendor data filed under it.")
        parser.add_argument("--no-cross-vendor", action="store_true", help="Do not reconcile the vendors afterwards.")
        parser.add_argument("--confirm-drop", action="store_true",
                            help="Accept a vendor day with more than COLLECTORS_MAX_DROP_PERCENT fewer devices "
                                 "than the previous day (refused otherwise).")

    def handle(self, *args, **options):
        names = [part.strip().lower() for part in options["vendor"].split(",") if part.strip()] or None
        day = None
        if options.get("date"):
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from None
            # The API's rule (collectors/api/serializers.py); older days only with --backfill (not before 2000).
            problem = runs.snapshot_date_problem(day, bound_past=not options["backfill"])
            if problem:
                backfillable = runs.EARLIEST_BACKFILL_DAY <= day <= timezone.localdate()
                hint = " Add --backfill to file it anyway." if backfillable and not options["backfill"] else ""
                raise CommandError(f"--date {problem}{hint}")
        try:
            batch = runs.start_batch(names, run_cross_vendor=not options["no_cross_vendor"], snapshot_date=day,
                                     trigger="command", requested_by="manage.py collect", enqueue=False,
                                     confirm_drop=options["confirm_drop"])
        except runs.UnknownCollector as exc:
            raise CommandError(str(exc)) from None
        except runs.RunConflict as exc:
            raise CommandError(str(exc)) from None
        tty = self.stdout.isatty()
        failed = []
        for job in list(batch.jobs.order_by("id")):
            spec = registry.get(job.name)
            bar = Progress(self.stdout, spec.label if spec else job.name, bool(tty))
            finished = runs.run_job(job.job_id, on_progress=bar)
            bar.done()
            if finished is None or finished.status != RunStatus.COMPLETED:
                failed.append(finished.message if finished else f"{job.name}: not run")
                self.stderr.write(self.style.ERROR(f"{job.name}: {failed[-1]}"))
            else:
                self.stdout.write(self.style.SUCCESS(
                    f"{finished.message} in {finished.duration_seconds}s "
                    f"({finished.counts.get('http_calls', 0)} HTTP calls)"))
        batch.refresh_from_db()
        if batch.run_cross_vendor:
            self.stdout.write(f"Cross-vendor: {batch.cross_vendor_status} {batch.cross_vendor_message}")
        if failed:
            raise CommandError(f"Batch {batch.batch_id} {batch.status}: {'; '.join(failed)}")
        self.stdout.write(f"Batch {batch.batch_id} {batch.status} for {batch.snapshot_date}.")
