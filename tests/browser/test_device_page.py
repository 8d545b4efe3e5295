"""The device page in a browser: from a search result to the device's page, whose timeline shows each vendor's
days, at desktop and phone width, under the content security policy."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.chromium import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture
def device_with_history(demo_data):
    """A device both vendors have today, with an exception, plus a NinjaOne day a month ago under another client
    (a gap and a client change on its timeline)."""
    from inventory.models import Snapshot, Vendor
    from tests import factories
    from variances.models import ExceptionRecord

    both = set(Snapshot.objects.filter(vendor_id=Vendor.THREATLOCKER).values_list("canonical_key", flat=True))
    key = (ExceptionRecord.objects.filter(canonical_key__in=both, type="DISPLAY_NAME_MISMATCH")
           .order_by("canonical_key").values_list("canonical_key", flat=True).first())
    assert key, "the demo data has a display-name mismatch"
    row = Snapshot.objects.filter(canonical_key=key, vendor_id=Vendor.NINJA).order_by("-snapshot_date").first()
    factories.snapshot(Vendor.NINJA, row.hostname, day=timezone.localdate() - timedelta(days=30),
                       org="Previous Client Ltd")
    return key


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_click_device_page_shows_the_timeline(new_page, device_with_history, staff_user, viewport):
    key = device_with_history
    page = new_page(staff_user, viewport=viewport)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/devices/")
    page.get_by_label("Hostname or display name").fill(key)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/devices/?q=*")
    page.locator(f'tr[data-hostname="{key}"] a.device-link').click()
    page.wait_for_url(f"**/devices/{key}/")

    assert page.get_by_role("heading", name="Both vendors side by side").is_visible()
    timeline = page.locator("#timeline")
    assert timeline.is_visible()
    ninja = timeline.locator('figure[data-vendor="ninja"]')
    threatlocker = timeline.locator('figure[data-vendor="threatlocker"]')
    assert ninja.locator("svg.timeline-strip").is_visible() and threatlocker.locator("svg.timeline-strip").is_visible()
    # NinjaOne: the day a month ago, then yesterday and today (a gap: two ranges), and the client change.
    assert ninja.locator("rect.tl-seen").count() == 2
    assert ninja.locator("rect.tl-org").count() == 1
    assert "Previous Client Ltd →" in ninja.inner_text()
    assert threatlocker.locator("rect.tl-seen").count() == 1
    box = ninja.locator("svg.timeline-strip").bounding_box()
    assert box["width"] > 200 and box["height"] > 10  # drawn, not collapsed
    assert page.get_by_role("list", name="Legend").is_visible()
    assert page.locator("article.exception").count() >= 1

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the device page scrolls sideways by {overflow}px at {viewport['width']} px"
    assert page.evaluate("window.__cspViolations") == []
