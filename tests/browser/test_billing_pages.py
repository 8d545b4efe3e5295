"""The billing pages in a browser at phone and desktop width: no sideways scroll, no CSP violation, the client
link and a device link work."""
import pytest

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
