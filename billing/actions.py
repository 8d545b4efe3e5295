"""Staff actions on billing variances (docs/billing.md, "Billing variances", Lifecycle): resolve (open or
accepted ones) or accept (open ones), with notes, all or nothing, audited in `BillingVarianceEvent` through
`billing.variances.audit_event`, as the device exceptions' actions do (`variances.services`)."""
from django.db import transaction
from django.utils import timezone

from billing.models import BillingVariance, BillingVarianceEvent
from billing.models import BillingVarianceStatus as S
from billing.variances import audit_event
from esinv.notes import append_note


class Action:
    RESOLVE = "resolve"
    ACCEPT = "accept"
    ALL = (RESOLVE, ACCEPT)


class ActionRefused(Exception):
    """Nothing was changed: `unknown` ids (404) or ids the action cannot apply to (409), with per-id `results`."""

    def __init__(self, message: str, ids: list[int], *, unknown: bool = False, results: list[dict] | None = None):
        super().__init__(message)
        self.ids, self.unknown, self.results = ids, unknown, results or []


def refusal(variance: BillingVariance, action: str) -> str | None:
    """Why `action` cannot apply to `variance` now, or None when it can (as the device exceptions'
    `variances.services.refusal`): a resolved one takes neither action, an accepted one is not accepted again."""
    if variance.status == S.RESOLVED:
        return "already resolved"
    if action == Action.ACCEPT and variance.status == S.ACCEPTED:
        return "already accepted"
    return None


def apply_action(ids: list[int], action: str, *, notes: str, actor: str, user=None) -> list[dict]:
    """Resolve (open or accepted ones) or accept (open ones) the given variances, all or nothing, as the device
    exceptions' actions: an unknown id or one the action cannot apply to (`refusal`: already resolved, already
    accepted) refuses the whole request and changes nothing, so a repeated click writes no event. Notes are
    optional; a note is appended to the variance's notes (stamped with time and actor), none leaves them as they
    are. Every change is audited with the action's own note."""
    ids = list(dict.fromkeys(ids))
    now = timezone.now()
    with transaction.atomic():
        rows = {v.id: v for v in BillingVariance.objects.select_for_update().filter(id__in=ids)}
        missing = [i for i in ids if i not in rows]
        if missing:
            raise ActionRefused(f"Unknown billing variance ids: {missing}", missing, unknown=True)
        refused = {i: refusal(rows[i], action) for i in ids}
        if any(refused.values()):
            results = [{"id": i, "ok": not refused[i], "error": refused[i], "status": rows[i].status} for i in ids]
            reasons = sorted({reason for reason in refused.values() if reason})
            message = "; ".join(f"{reason.capitalize()}: {[i for i in ids if refused[i] == reason]}"
                                for reason in reasons)
            raise ActionRefused(f"{message}. Nothing was changed.", [i for i in ids if refused[i]], results=results)
        events, results = [], []
        for variance in (rows[i] for i in ids):
            before = variance.status
            if action == Action.RESOLVE:
                variance.status, variance.resolution, variance.resolved_at, variance.resolved_by = (
                    S.RESOLVED, "manual", now, actor)
            else:
                variance.status = S.ACCEPTED
                variance.accepted_billed, variance.accepted_measured = variance.billed, variance.measured
            variance.notes = append_note(variance.notes, notes, actor, now)
            variance.save()
            events.append(audit_event(variance, "resolved" if action == Action.RESOLVE else "accepted", variance.status,
                                 actor=actor, user=user, notes=notes, from_status=before, now=now,
                                 day=variance.last_seen))
            results.append({"id": variance.id, "from_status": before, "to_status": variance.status})
        BillingVarianceEvent.objects.bulk_create(events)
    return results
