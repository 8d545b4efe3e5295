"""With no data at all, every page says what to do instead of showing a blank table or an error."""
import pytest

pytestmark = pytest.mark.django_db


def test_overview_without_data(staff):
    html = staff.get("/").content.decode()
    assert "No data yet: run the collectors." in html
    assert "No collector has run yet." in html and 'id="run-collectors"' in html
    assert "No trend yet" in html
    assert "No Ninja data has been collected yet" in html  # the /api/status warning


def test_variances_without_data(staff):
    response = staff.get("/variances/")
    assert response.status_code == 200
    assert "No data yet: run the collectors" in response.content.decode()


def test_device_search_prompts_then_explains_no_match(staff):
    assert "Type a hostname" in staff.get("/devices/").content.decode()
    assert "at least 2 characters" in staff.get("/devices/", {"q": "x"}).content.decode()
    html = staff.get("/devices/", {"q": "nothing-here"}).content.decode()
    assert "No device matches" in html and "run the collectors" in html


def test_windows11_without_assessment(staff):
    assert "No assessment yet: run the collectors." in staff.get("/windows-11/").content.decode()


def test_qbr_without_metrics(staff):
    html = staff.get("/qbr/", {"quarter": "2026-Q4"}).content.decode()
    assert "No metrics for 2026-Q4 yet" in html and "No NinjaOne snapshot in 2026-1" in html
