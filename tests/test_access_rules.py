"""The access rule (esinv.access.access_for) as a plain function: what each kind of account is granted."""
import pytest

from esinv.access import Access, access_for

GROUPS = {"viewer_group": "Viewers", "qbr_reader_group": "QBR", "qbr_editor_group": "QBR editors",
          "billing_group": "Billing"}


def grants(*, staff=False, superuser=False, groups=()):
    return access_for(staff=staff, superuser=superuser, groups=set(groups), **GROUPS)


@pytest.mark.parametrize("account, expected", [
    (dict(), Access()),
    (dict(groups=["Some other group"]), Access()),
    (dict(groups=["Viewers"]), Access(inventory_read=True)),
    (dict(groups=["QBR"]), Access(qbr_read=True)),
    (dict(groups=["QBR editors"]), Access(qbr_read=True, qbr_write=True)),
    (dict(groups=["Viewers", "QBR"]), Access(inventory_read=True, qbr_read=True)),
    (dict(groups=["Billing"]), Access(billing_read=True)),
    (dict(groups=["QBR editors", "Viewers"]), Access(inventory_read=True, qbr_read=True, qbr_write=True)),
    (dict(staff=True), Access(inventory_read=True, inventory_write=True, qbr_read=True, billing_read=True,
                              billing_write=True)),
    (dict(superuser=True), Access(inventory_read=True, inventory_write=True, qbr_read=True, qbr_write=True,
                                  billing_read=True, billing_write=True)),
])
def test_grants(account, expected):
    assert grants(**account) == expected


def test_only_an_account_granted_nothing_has_no_access():
    assert not grants().anything and not grants(groups=["Some other group"]).anything
    assert grants(groups=["QBR"]).anything and grants(groups=["Viewers"]).anything and grants(staff=True).anything
    assert grants(groups=["Billing"]).anything


def test_group_names_come_from_settings(settings, django_user_model, db):
    from django.contrib.auth.models import Group

    from esinv.access import user_access

    settings.ESINV_VIEWER_GROUP = "Auditors"
    user = django_user_model.objects.create_user("aud")
    user.groups.add(Group.objects.create(name="Auditors"))
    assert user_access(user).inventory_read
    user.is_active = False
    assert user_access(user) == Access()
