"""Every page, the admin and the Swagger UI work under the content security policy: the browser reports no
violation and the pages' own script runs."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Records what the browser refused, before any page script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""
PAGES = ["/", "/variances/", "/devices/?q=a", "/windows-11/", "/qbr/", "/admin/", "/admin/variances/exceptionrecord/"]


def open_recording(new_page, user):
    page = new_page(user)
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def test_pages_raise_no_policy_violation(new_page, demo_data, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    page, console = open_recording(new_page, staff_user)
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], path
    assert not [text for text in console if "Content Security Policy" in text]
    # The overview's own script ran (it wires the Run collectors button) under the policy.
    page.goto("/")
    page.get_by_role("button", name="Run collectors").click()
    page.wait_for_selector("#run-progress:not([hidden])")
    page.wait_for_selector('#run-progress[data-status="completed"]')


def test_swagger_ui_renders_under_the_policy(new_page, demo_data, staff_user):
    page, console = open_recording(new_page, staff_user)
    response = page.goto("/api/docs/")
    assert response.status == 200
    page.wait_for_selector(".swagger-ui .info .title")
    assert "ES Inventory Hub API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-tag")
    assert page.evaluate("window.__cspViolations") == []
    assert not [text for text in console if "Content Security Policy" in text]
