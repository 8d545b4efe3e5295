"""The /variances/ bulk form posted to the page (no JavaScript): applied through the same service as the
API, and a bogus action or bogus ids show an error with nothing changed, never a silent success."""
import pytest

from variances.models import ExceptionEvent, ExceptionRecord

pytestmark = pytest.mark.django_db


def open_ids():
    return list(ExceptionRecord.objects.filter(status="open").order_by("id").values_list("id", flat=True))


def test_the_page_form_posts_with_the_selected_ids(staff, reconciled):
    html = staff.get("/variances/").content.decode()
    assert '<form id="bulk" class="card bulk" method="post"' in html and "csrfmiddlewaretoken" in html
    assert html.count('name="ids" form="bulk"') == 2


def test_bulk_form_applies_the_action_and_says_so(staff, reconciled):
    ids = open_ids()
    response = staff.post("/variances/?status=all", {"action": "resolve", "ids": [str(ids[0])], "notes": "done"},
                          follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/variances/?status=all"
    assert "Updated 1 exception." in response.content.decode()
    record = ExceptionRecord.objects.get(id=ids[0])
    assert record.status == "resolved" and "done" in record.notes
    assert ExceptionEvent.objects.filter(exception=record, action="resolved", actor="tech").exists()


@pytest.mark.parametrize("form, status, message", [
    ({"action": "explode"}, 400, "action must be one of"),
    ({"action": "resolve", "ids": ["abc"]}, 400, "Not exception ids"),
    ({"action": "resolve", "ids": ["-1"]}, 400, "Not exception ids"),
    ({"action": "resolve", "ids": ["9" * 40]}, 400, "Not exception ids"),
    ({"action": "resolve", "ids": ["999999"]}, 400, "Unknown exception ids: 999999"),
    ({"action": "resolve"}, 400, "Select at least one exception"),
    ({"ids": "first"}, 400, ""),
])
def test_bogus_bulk_form_shows_an_error_and_changes_nothing(staff, reconciled, form, status, message):
    form = {**form}
    if form.get("ids") == "first":
        form["ids"] = [str(open_ids()[0])]
    events = ExceptionEvent.objects.count()
    response = staff.post("/variances/", form)
    html = response.content.decode()
    assert response.status_code == status
    assert 'data-testid="action-error"' in html and message in html
    assert "Updated" not in html
    assert ExceptionRecord.objects.filter(status="open").count() == 2 and ExceptionEvent.objects.count() == events


def test_an_action_the_exception_cannot_take_is_a_409_with_nothing_changed(staff, reconciled):
    ids = open_ids()
    staff.post("/variances/", {"action": "resolve", "ids": [str(ids[0])]})
    response = staff.post("/variances/", {"action": "resolve", "ids": [str(i) for i in ids]})
    assert response.status_code == 409 and "nothing was changed" in response.content.decode()
    assert ExceptionRecord.objects.get(id=ids[1]).status == "open"


def test_viewers_cannot_post_the_bulk_form(viewer, reconciled):
    response = viewer.post("/variances/", {"action": "resolve", "ids": [str(open_ids()[0])]})
    assert response.status_code == 403
    assert ExceptionRecord.objects.filter(status="open").count() == 2
