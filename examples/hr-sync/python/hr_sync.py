"""An HR system's nightly sync, written against the Python client that
openapi-python-client generates from `openapi/openapi.json`:

    openapi-python-client generate --path openapi/openapi.json --output-path tillit-client
    TILLIT_URL=http://127.0.0.1:8080 HR_CLIENT_ID=hr-... HR_CLIENT_SECRET=... \
        PYTHONPATH=tillit-client python hr_sync.py

Token, a dry run that reports every bad row, the real run (retry-safe with
an Idempotency-Key), the same units as CSV, and the result read back.
The test suite runs it against a real server (e2e/tests/generated_clients.rs).
"""

import os
import sys
import uuid

from tillit_api_client import AuthenticatedClient, Client
from tillit_api_client.api.auth import client_token
from tillit_api_client.api.import_ import import_organisation, import_units_csv
from tillit_api_client.api.organisation import list_employees, list_units
from tillit_api_client.models import (
    ClientCredentialsRequest,
    CsvUpload,
    EmployeeRow,
    ImportMode,
    ImportSummary,
    OrganisationImport,
    OrganisationImportSummary,
    PageEmployee,
    PageUnit,
    Problem,
    TokenResponse,
    UnitRow,
)


def expect(value, kind):
    if not isinstance(value, kind):
        sys.exit(f"expected {kind.__name__}, got {value!r}")
    return value


def main() -> None:
    base = os.environ["TILLIT_URL"]
    tag = os.environ.get("SYNC_TAG", "PY")
    token = expect(
        client_token.sync(
            client=Client(base_url=base),
            body=ClientCredentialsRequest(
                client_id=os.environ["HR_CLIENT_ID"],
                client_secret=os.environ["HR_CLIENT_SECRET"],
            ),
        ),
        TokenResponse,
    )
    api = AuthenticatedClient(base_url=base, token=token.access_token)

    units = [
        UnitRow(external_id=f"{tag}-ROOT", name=f"{tag} Avdeling"),
        UnitRow(external_id=f"{tag}-A", name=f"{tag} Seksjon A", parent_external_id=f"{tag}-ROOT"),
    ]
    people = [
        EmployeeRow(external_id=f"{tag}-E1", email=f"{tag.lower()}.en@direktoratet.no", unit_external_id=f"{tag}-A", language="nn"),
        EmployeeRow(external_id=f"{tag}-E2", email=f"{tag.lower()}.to@direktoratet.no", unit_external_id=f"{tag}-ROOT"),
    ]
    bad = people + [EmployeeRow(external_id=f"{tag}-E3", email="not-an-email", unit_external_id=f"{tag}-A")]

    # A dry run names every bad row and changes nothing.
    dry = expect(
        import_organisation.sync(
            client=api,
            body=OrganisationImport(mode=ImportMode.UPSERT, dry_run=True, units=units, employees=bad),
        ),
        OrganisationImportSummary,
    )
    assert not dry.applied and len(dry.errors) == 1, dry
    assert dry.errors[0].field == "employees.email" and dry.errors[0].row == 3, dry.errors[0]

    # The real run; a retry with the same key returns the first result.
    key = str(uuid.uuid4())
    body = OrganisationImport(mode=ImportMode.UPSERT, dry_run=False, units=units, employees=people)
    done = expect(import_organisation.sync(client=api, body=body, idempotency_key=key), OrganisationImportSummary)
    assert done.applied and done.units.created == 2 and done.employees.created == 2, done
    again = expect(import_organisation.sync(client=api, body=body, idempotency_key=key), OrganisationImportSummary)
    assert again.import_id == done.import_id, (again, done)

    # The same units as a CSV file, sent as JSON: nothing to change.
    csv = f"external_id,name,parent_external_id\n{tag}-ROOT,{tag} Avdeling,\n{tag}-A,{tag} Seksjon A,{tag}-ROOT\n"
    same = expect(import_units_csv.sync(client=api, body=CsvUpload(csv=csv), dry_run=True), ImportSummary)
    assert same.unchanged == 2, same

    # Read back.
    staff = expect(list_employees.sync(client=api, q=f"{tag.lower()}.", per_page=10), PageEmployee)
    assert staff.total == 2, staff
    tree = expect(list_units.sync(client=api, q=tag, per_page=10), PageUnit)
    assert sorted(u.external_id for u in tree.items) == [f"{tag}-A", f"{tag}-ROOT"], tree

    # Bad input is a problem document with the field and the reason.
    refused = import_organisation.sync(client=api, body=body, idempotency_key="")
    expect(refused, Problem)
    print(f"python: synced {staff.total} employees in {tree.total} units")


if __name__ == "__main__":
    main()
