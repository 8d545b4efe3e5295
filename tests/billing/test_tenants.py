"""Tenant ids in bulk (`import_m365_tenants`), and the simulator's tenants landing on the demo organizations."""
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.m365.tenants import TenantFileError, parse_tenant_lines
from billing.models import M365Tenant
from inventory.models import Organization, OrganizationAlias

pytestmark = pytest.mark.django_db
A = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
B = "3f2504e0-4f89-41d3-9a0c-0305e82c3302"
ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path, text):
    path = tmp_path / "tenants.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_parse_reads_rows_with_a_header_and_comments():
    rows = parse_tenant_lines(["organization,tenant_id,enabled\n", "# a comment\n", f"Cedar Law,{A.upper()},no\n",
                               f'"Summit, Inc",{B}\n', "\n"])
    assert [(r.organization, r.tenant_id, r.enabled) for r in rows] == [
        ("Cedar Law", A, False), ("Summit, Inc", B, True)]


def test_parse_lists_every_problem_with_its_line():
    with pytest.raises(TenantFileError) as caught:
        parse_tenant_lines([f"Cedar,{A}\n", "Summit,summit.onmicrosoft.com\n", f"Harbor,{A}\n", f"Maple,{B},maybe\n",
                            "Lone\n"])
    assert caught.value.problems == [
        "line 2: 'summit.onmicrosoft.com' is not a tenant id (a GUID)",
        "line 4: enabled must be true or false, not 'maybe'",
        "line 5: expected organization,tenant_id[,enabled]",
        f"line 3: tenant {A} is also on line 1",
    ]


def test_the_command_matches_names_and_aliases_and_updates(tmp_path, capsys):
    cedar = Organization.objects.create(name="Cedar Law Group")
    summit = Organization.objects.create(name="Summit Realty")
    OrganizationAlias.objects.create(organization=summit, alias="SR - Summit")
    call_command("import_m365_tenants", write(tmp_path, f"cedar  law group,{A}\nSR - SUMMIT,{B},false\n"))
    assert "2 tenants added, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert M365Tenant.objects.get(organization=cedar).tenant_id == A
    assert M365Tenant.objects.get(organization=summit).enabled is False
    call_command("import_m365_tenants", write(tmp_path, f"Cedar Law Group,{A}\nSummit Realty,{B},true\n"))
    assert "0 tenants added, 1 updated, 1 unchanged" in capsys.readouterr().out


def test_unknown_organizations_are_refused_unless_created(tmp_path, capsys):
    Organization.objects.create(name="Cedar Law Group")
    path = write(tmp_path, f"Cedar Law Group,{A}\nNew Client LLC,{B}\n")
    with pytest.raises(CommandError, match="nothing imported: line 2: no organization named 'New Client LLC'"):
        call_command("import_m365_tenants", path)
    assert not M365Tenant.objects.exists()  # the valid line was not written either
    call_command("import_m365_tenants", path, "--create")
    assert "2 tenants added, 0 updated, 0 unchanged; 1 organizations created" in capsys.readouterr().out
    assert M365Tenant.objects.get(tenant_id=B).organization.name == "New Client LLC"


def test_a_tenant_of_another_organization_is_refused(tmp_path):
    cedar = Organization.objects.create(name="Cedar Law Group")
    Organization.objects.create(name="Summit Realty")
    M365Tenant.objects.create(organization=cedar, tenant_id=A)
    with pytest.raises(CommandError, match=f"line 1: tenant {A} already belongs to another organization"):
        call_command("import_m365_tenants", write(tmp_path, f"Summit Realty,{A}\n"))


def test_unreadable_files_are_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_m365_tenants", str(tmp_path / "missing.csv"))
    path = tmp_path / "latin1.csv"
    path.write_bytes("Caf\xe9,x\n".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("import_m365_tenants", str(path))


def test_simulate_vendors_serves_graph_and_writes_its_tenants(tmp_path, graph_data):
    tenants_file = tmp_path / "tenants.csv"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "simulate_vendors", "--devices", "500", "--seed", "3", "--port", "0",
         "--graph-port", "0", "--graph-tenants", str(tenants_file)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={"DJANGO_SETTINGS_MODULE": "esinv.settings_test", "PATH": "/usr/bin:/bin"})
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("Microsoft Graph:") or not line:
                break
        output = "".join(lines)
        assert "export ESINV_M365_GRAPH_URL=http://127.0.0.1:" in output, output
        assert f"Microsoft Graph: {len(graph_data.tenants)} tenants, listed in {tenants_file}" in output
    finally:
        process.terminate()
        process.wait(timeout=30)
    call_command("import_m365_tenants", str(tenants_file), "--create")
    assert sorted(M365Tenant.objects.values_list("organization__name", "tenant_id")) == sorted(
        graph_data.tenant_pairs())
