"""The billing pages: /billing/ (clients by money at stake, totals) and /billing/clients/<id>/ (products, variances,
the devices and users behind each count); who may see them; bad input answers 400/404."""
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from billing.measures import code_label
from tests.billing.pages_data import DAY, billing_day, unused_licences
from tests.pages.conftest import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(db):
    return billing_day()


@pytest.fixture
def biller(db, django_user_model):
    return signed_in_client(django_user_model, "biller", groups=[settings.BILLING_GROUP])


def test_clients_sorted_by_money_at_stake_with_totals(staff, day):
    response = staff.get("/billing/")
    assert response.status_code == 200
    html = response.content.decode()
    order = re.findall(r'data-testid="billing-client" data-organization="(\d+)"', html)
    assert order == [str(day["leaky"].id), str(day["over"].id), str(day["small"].id)]
    assert re.search(r'data-testid="total-leak">150\.00<', html)
    assert re.search(r'data-testid="total-over">40\.00<', html)
    assert re.search(r'data-testid="total-variances">2<', html)
    assert "Under-billed" in html and "Over-billed" in html and "M365-BP" in html
    assert f"/billing/clients/{day['leaky'].id}/?date={DAY.isoformat()}" in html


def test_resolved_variances_leave_the_page_and_the_totals(staff, day):
    day["under"].status = "resolved"
    day["under"].save()
    html = staff.get("/billing/").content.decode()
    assert re.search(r'data-testid="total-leak">0\.00<', html)
    assert html.count('data-testid="billing-variance"') == 1


def test_an_explicit_date_and_a_day_without_data(staff, day):
    def clients(html):
        return re.findall(r'data-organization="(\d+)"', html), re.findall(r'data-testid="total-\w+">([^<]+)<', html)

    assert clients(staff.get(f"/billing/?date={DAY.isoformat()}").content.decode()) == \
        clients(staff.get("/billing/").content.decode())
    html = staff.get("/billing/?date=2020-01-01").content.decode()
    assert 'data-testid="billing-client"' not in html and "No client has billing data" in html


@pytest.mark.parametrize("raw", ["2026-13-01", "yesterday", "2026-11-20\x00", "99999-01-01"])
def test_bad_dates_answer_400_naming_the_field(staff, day, raw):
    response = staff.get("/billing/", {"date": raw})
    assert response.status_code == 400 and "date" in response.content.decode()  # NUL: the middleware names it
    assert staff.get(f"/billing/clients/{day['leaky'].id}/", {"date": raw}).status_code == 400


def test_client_view_lists_the_devices_and_users_behind_each_count(staff, day):
    response = staff.get(f"/billing/clients/{day['leaky'].id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-product="MANAGED-WS"' in html and 'data-product="M365-BP"' in html
    for key in day["under"].ids:
        assert f'<a href="/devices/{key}/">{key}</a>' in html
    assert "a@leaky.example" in html and 'href="/devices/a@leaky.example/"' not in html  # users are not devices
    assert f'data-id="{day["under"].id}"' in html and "150.00" in html
    assert 'data-id="{}"'.format(day["over_variance"].id) not in html  # another client's


def test_client_view_of_unknown_ids_is_404(staff, day):
    for bad in ("999999", "abc", "1" * 30):
        assert staff.get(f"/billing/clients/{bad}/").status_code == 404


def test_permissions(client, member, staff, biller, django_user_model, day):
    for path in ("/billing/", f"/billing/clients/{day['leaky'].id}/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
        assert member.get(path).status_code == 403
        qbr_only = signed_in_client(django_user_model, f"qbr{len(path)}", groups=[settings.QBR_READER_GROUP])
        refusal = qbr_only.get(path)
        assert refusal.status_code == 403 and "Billing: not allowed" in refusal.content.decode()
        assert biller.get(path).status_code == 200
        assert staff.get(path).status_code == 200


def test_the_billing_link_shows_only_to_billing_readers(staff, biller, django_user_model, day):
    assert 'href="/billing/"' in staff.get("/").content.decode()
    assert 'href="/billing/"' in biller.get("/billing/").content.decode()
    qbr_only = signed_in_client(django_user_model, "qbrreader", groups=[settings.QBR_READER_GROUP])
    assert 'href="/billing/"' not in qbr_only.get("/qbr/").content.decode()


def test_staff_get_resolve_and_accept_buttons_posting_to_the_billing_api(staff, day):
    under = day["under"].id
    for path in ("/billing/", f"/billing/clients/{day['leaky'].id}/"):
        html = staff.get(path).content.decode()
        assert f'data-url="/api/billing/variances/{under}/resolve">Resolve…</button>' in html, path
        assert f'data-url="/api/billing/variances/{under}/accept">Accept…</button>' in html, path
        assert 'id="action-dialog"' in html and 'id="flash"' in html, path


def test_an_accepted_variance_can_be_resolved_but_not_accepted_again(staff, day):
    day["under"].status = "accepted"
    day["under"].save()
    html = staff.get(f"/billing/clients/{day['leaky'].id}/").content.decode()
    assert f"/api/billing/variances/{day['under'].id}/resolve" in html
    assert f"/api/billing/variances/{day['under'].id}/accept" not in html


def test_billing_group_readers_see_no_action_buttons(biller, day):
    for path in ("/billing/", f"/billing/clients/{day['leaky'].id}/"):
        response = biller.get(path)
        html = response.content.decode()
        assert response.status_code == 200 and 'data-testid="billing-variance"' in html, path
        assert "/api/billing/variances/" not in html and "Resolve…" not in html and "Accept…" not in html, path
        assert 'id="action-dialog"' not in html, path


def test_a_billing_only_account_lands_on_the_billing_page_after_sign_in(client, django_user_model, day):
    """F10: the overview sends a Billing-only reader to /billing/ (as QBR-only readers go to /qbr/), also straight
    after signing in; an account with QBR and Billing still lands on QBR, staff on the overview."""
    from esinv.access import Access
    from esinv.pages import home_page

    user = django_user_model.objects.create_user("booker", "booker@example.com", "pw-Strong-123")
    user.groups.set([Group.objects.get(name=settings.BILLING_GROUP)])
    signed_in = client.post("/accounts/login/", {"login": "booker", "password": "pw-Strong-123"}, follow=True)
    assert signed_in.status_code == 200 and signed_in.redirect_chain[-1][0] == "/billing/"
    assert 'data-testid="billing-client"' in signed_in.content.decode()
    assert client.get("/").url == "/billing/" and client.get("/variances/").status_code == 403
    assert home_page(Access(billing_read=True)) == "billing-page"
    assert home_page(Access(qbr_read=True, billing_read=True)) == "qbr-page"
    assert home_page(Access(inventory_read=True, billing_read=True)) is None
    assert home_page(Access()) is None


def test_device_keys_are_links_only_for_readers_who_may_open_devices(staff, biller, day):
    """F10: a Billing-only reader sees the device keys as plain text (device pages answer 403 for them)."""
    path = f"/billing/clients/{day['leaky'].id}/"
    staff_html, biller_html = staff.get(path).content.decode(), biller.get(path).content.decode()
    for key in day["under"].ids:
        assert f'<a href="/devices/{key}/">{key}</a>' in staff_html
        assert f'href="/devices/{key}/"' not in biller_html and f"<li>{key}</li>" in biller_html
    assert biller.get(f"/devices/{day['under'].ids[0]}/").status_code == 403


def test_pages_show_sku_names_labels_and_bought_assigned(staff, day, settings):
    """F6: Microsoft's product name beside a SKU part number, the measured code's label, and "bought" /
    "assigned" for unused licences, on both pages; money labelled with the currency setting."""
    settings.ESINV_CURRENCY = "EUR"
    licence = unused_licences(day["leaky"], bought=7, assigned=4)
    for path in ("/billing/", f"/billing/clients/{day['leaky'].id}/"):
        html = staff.get(path).content.decode()
        row = html[html.index(f'data-id="{licence.id}"'):]
        row = row[:row.index("</tr>" if path == "/billing/" else "</div>")]
        assert "Microsoft 365 Business Premium (SPB)" in row, path
        assert re.search(r"Bought 7 · assigned 4", row), path
        assert "Billed" not in row and "measured" not in row, path
        under = html[html.index(f'data-id="{day["under"].id}"'):]
        assert re.search(r"Billed 5 · measured 8", under), path
        assert code_label("ninja_seats") in html and ">ninja_seats<" not in html, path
        assert "EUR" in html, path
    html = staff.get("/billing/").content.decode()
    assert "Monthly revenue leak (EUR)" in html


def test_the_client_page_offers_that_clients_files(staff, day):
    """F7: the client page links its own CSV, Excel and PDF (`?organization=<id>` and the day shown)."""
    leaky = day["leaky"]
    html = staff.get(f"/billing/clients/{leaky.id}/").content.decode()
    links = re.findall(r'href="(/api/billing/export/(?:csv|excel|pdf)\?[^"]+)"', html)
    assert len(links) == 3
    for link in links:
        link = link.replace("&amp;", "&")
        assert f"organization={leaky.id}" in link and f"date={DAY.isoformat()}" in link
        response = staff.get(link)
        assert response.status_code == 200 and "leaky-co" in response["Content-Disposition"]


def agreements_only_day(org):
    """A newer day holding ConnectWise agreements but no measures (F16: its measuring failed or never ran)."""
    from datetime import timedelta
    from decimal import Decimal

    from billing.models import BillCustomer, CWAgreement, CWAgreementAddition

    later = DAY + timedelta(days=2)
    CWAgreement.objects.create(snapshot_date=later, organization=org, company_name=org.name, agreement_id=1,
                               name="Managed")
    CWAgreementAddition.objects.create(
        snapshot_date=later, organization=org, company_name=org.name, agreement_id=1, addition_id=1,
        product_identifier="MANAGED-WS", quantity=Decimal(5), billed_quantity=Decimal(5), unit_price=Decimal(50),
        bill_customer=BillCustomer.BILLABLE)
    return later


def test_the_default_day_is_the_latest_measured_one_and_a_newer_unmeasured_day_is_said(staff, day):
    """F16: a newer day with agreements only is not the default (it would show 0.00 and no variances); the page
    shows the latest measured day, its open variances, and says loudly which day has no measures."""
    later = agreements_only_day(day["leaky"])
    html = staff.get("/billing/").content.decode()
    assert f"<small>{DAY.isoformat()}</small>" in html
    assert re.search(r'data-testid="total-leak">150\.00<', html)
    assert 'data-testid="billing-not-measured"' in html
    assert f"Billed vs measured unavailable for {later.isoformat()}" in html
    body = staff.get("/api/billing/report").json()
    assert (body["date"], body["measured"], body["newest_unmeasured_date"]) == (DAY.isoformat(), True,
                                                                                later.isoformat())
    # The API asked for the unmeasured day says so too.
    body = staff.get(f"/api/billing/report?date={later.isoformat()}").json()
    assert (body["measured"], body["newest_unmeasured_date"]) == (False, None)
    # Asked for explicitly, the unmeasured day says it has no measures; its open variances are still listed.
    html = staff.get(f"/billing/?date={later.isoformat()}").content.decode()
    assert f"Nothing was measured on {later.isoformat()}" in html
    assert html.count('data-testid="billing-variance"') == 2
    assert "the open variances below are listed as last seen" in html
    # A day with nothing measured and nothing listed does not speak of listed variances (review G7).
    html = staff.get("/billing/?date=2001-01-01").content.decode()
    assert "Nothing was measured on 2001-01-01" in html and 'data-testid="billing-variance"' not in html
    assert "listed as last seen" not in html


def test_a_measured_day_says_nothing_is_missing(staff, day):
    assert 'data-testid="billing-not-measured"' not in staff.get("/billing/").content.decode()
    body = staff.get("/api/billing/report").json()
    assert (body["measured"], body["unmeasured"], body["newest_unmeasured_date"]) == (True, [], None)


def test_the_variance_total_counts_what_is_listed(staff, day):
    """F20: resolved variances present that day are not listed, so not counted; accepted ones are."""
    day["under"].status = "resolved"
    day["under"].save()
    day["over_variance"].status = "accepted"
    day["over_variance"].save()
    html = staff.get("/billing/").content.decode()
    assert html.count('data-testid="billing-variance"') == 1
    assert re.search(r'data-testid="total-variances">1<', html)
    assert staff.get("/api/billing/report").json()["totals"]["variances"] == 1


def test_the_client_view_lists_the_variances_of_its_day(staff, day):
    """F23: a day before a variance was found does not list it; a day it was present does."""
    from datetime import timedelta

    leaky = day["leaky"]
    before = (DAY - timedelta(days=1)).isoformat()
    under_id = day["under"].id
    assert f'data-id="{under_id}"' not in staff.get(
        f"/billing/clients/{leaky.id}/?date={before}").content.decode()
    body = staff.get(f"/api/billing/clients/{leaky.id}?date={before}").json()
    assert body["variances"] == []
    body = staff.get(f"/api/billing/clients/{leaky.id}?date={DAY.isoformat()}").json()
    assert [v["id"] for v in body["variances"]] == [day["under"].id]
