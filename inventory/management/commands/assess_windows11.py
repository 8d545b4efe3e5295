"""Assess Windows 11 24H2 readiness of the latest NinjaOne snapshot now."""
from django.core.management.base import BaseCommand, CommandError

from inventory.windows11.service import AssessmentAlreadyRunning, NoNinjaData, run_assessment


class Command(BaseCommand):
    help = "Assess every NinjaOne Windows workstation of the latest snapshot for Windows 11 24H2 and store it."

    def handle(self, *args, **options):
        try:
            summary = run_assessment(trigger="command", actor="manage.py")
        except (AssessmentAlreadyRunning, NoNinjaData) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(summary.output())
