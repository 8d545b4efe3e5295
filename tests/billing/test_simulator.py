"""The Graph simulator's data: deterministic, one tenant per customer client, planted facts consistent."""
from collections import Counter

from collectors.simulators.dataset import generate_msp
from collectors.simulators.graph import generate_graph


def test_generation_is_deterministic_and_maps_onto_the_clients(graph_data):
    again = generate_graph(generate_msp(devices=500, seed=3))
    assert [(t.tenant_id, len(t.users)) for t in again.tenants] == [(t.tenant_id, len(t.users))
                                                                    for t in graph_data.tenants]
    dataset = generate_msp(devices=500, seed=3)
    assert sorted(name for name, _ in graph_data.tenant_pairs()) == sorted(
        c.ninja_name for c in dataset.clients if not c.internal)
    assert len({tenant_id for _, tenant_id in graph_data.tenant_pairs()}) == len(graph_data.tenants)


def test_consumed_units_are_the_users_holding_the_sku(graph_data):
    for tenant in graph_data.tenants:
        held = Counter(lic["skuId"] for user in tenant.users for lic in user["assignedLicenses"])
        for sku in tenant.skus:
            assert sku["consumedUnits"] == held[sku["skuId"]]
            extra = sku["prepaidUnits"]["enabled"] - sku["consumedUnits"]
            assert extra == (tenant.facts["unused_main"] if sku["skuPartNumber"] == tenant.facts["main_sku"] else 0)


def test_every_planted_kind_occurs(graph_data):
    facts = [graph_data.expected(t.tenant_id) for t in graph_data.tenants]
    for key in ("unused_main", "planted_disabled_licensed", "exchange_plan_disabled", "licensed_without_mail",
                "leavers", "guests"):
        assert sum(f[key] for f in facts) > 0, key
    assert all(f["disabled_licensed"] == f["planted_disabled_licensed"] for f in facts)
    # a mailbox needs mail and an enabled Exchange plan: licensed users minus the two planted exceptions, plus
    # the front-desk EXCHANGESTANDARD mailboxes (they are licensed too)
    assert all(f["mailboxes"] == f["licensed"] - f["exchange_plan_disabled"] - f["licensed_without_mail"]
               for f in facts)
