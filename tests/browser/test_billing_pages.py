"""The billing pages in a browser at phone and desktop width: no sideways scroll, no CSP violation, the client
link and a device link work; staff resolve a variance with a note from the notes dialog."""
import pytest

from billing.models import BillingVarianceEvent, BillingVarianceStatus
from tests.billing.pages_data import billing_day
from tests.browser.chromium import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_billing_pages_fit_the_screen_and_link_to_the_client_and_devices(new_page, staff_user, viewport):
    day = billing_day()
    page = new_page(staff_user, viewport=viewport)
    page.add_init_script(RECORD_VIOLATIONS)
    for path in ("/billing/", f"/billing/clients/{day['leaky'].id}/"):
        assert page.goto(path).status == 200
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px"
        assert page.evaluate("window.__cspViolations") == []
    page.goto("/billing/")
    page.get_by_role("link", name="Leaky Co").click()
    page.wait_for_url(f"**/billing/clients/{day['leaky'].id}/**")
    page.locator("summary", has_text="Devices behind it").first.click()
    page.get_by_role("link", name="leaky-ws1").first.click()
    page.wait_for_url("**/devices/leaky-ws1/")


def test_staff_resolve_a_variance_with_a_note_from_the_billing_page(new_page, staff_user):
    day = billing_day()
    under = day["under"]
    page = new_page(staff_user, viewport=DESKTOP)
    page.add_init_script(RECORD_VIOLATIONS)
    assert page.goto("/billing/").status == 200
    row = page.locator(f'tr[data-testid="billing-variance"][data-id="{under.id}"]')
    row.get_by_role("button", name="Resolve…").click()
    dialog = page.locator("#action-dialog")
    assert dialog.is_visible()
    assert "Resolve billing variance" in dialog.locator("#action-title").inner_text()
    page.fill("#action-notes", "Added the missing seats in ConnectWise")
    page.click("#action-confirm")
    page.wait_for_selector("#flash:not([hidden])")
    assert page.locator("#flash").inner_text().startswith("Resolved ")
    assert page.locator(f'tr[data-testid="billing-variance"][data-id="{under.id}"]').count() == 0
    assert page.evaluate("window.__cspViolations") == []
    under.refresh_from_db()
    assert under.status == BillingVarianceStatus.RESOLVED
    event = BillingVarianceEvent.objects.filter(variance=under).order_by("-at", "-id").first()
    assert (event.to_status, event.notes, event.actor) == ("resolved", "Added the missing seats in ConnectWise",
                                                           staff_user.username)
