// An HR system's nightly sync, written against the types openapi-typescript
// generates from `openapi/openapi.json` and the openapi-fetch client:
//
//   npm ci && npm run generate && npm run build
//   TILLIT_URL=http://127.0.0.1:8080 HR_CLIENT_ID=hr-... HR_CLIENT_SECRET=... npm run sync
//
// Token, a dry run that reports every bad row, the real run (retry-safe with
// an Idempotency-Key), the same units as CSV, and the result read back. The
// test suite runs it against a real server (e2e/tests/generated_clients.rs).

import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type UnitRow = components["schemas"]["UnitRow"];
type EmployeeRow = components["schemas"]["EmployeeRow"];

function check(ok: boolean, what: string, value: unknown): void {
  if (!ok) {
    console.error(`${what}: ${JSON.stringify(value)}`);
    process.exit(1);
  }
}

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const base = env("TILLIT_URL");
const tag = process.env.SYNC_TAG ?? "TS";
const api = createClient<paths>({ baseUrl: base });

const token = await api.POST("/api/auth/token", {
  body: { client_id: env("HR_CLIENT_ID"), client_secret: env("HR_CLIENT_SECRET") },
});
check(token.data !== undefined, "token", token.error);
const accessToken = token.data!.access_token;
api.use({
  onRequest({ request }) {
    request.headers.set("Authorization", `Bearer ${accessToken}`);
    return request;
  },
});

const units: UnitRow[] = [
  { external_id: `${tag}-ROOT`, name: `${tag} Avdeling` },
  { external_id: `${tag}-A`, name: `${tag} Seksjon A`, parent_external_id: `${tag}-ROOT` },
];
const people: EmployeeRow[] = [
  { external_id: `${tag}-E1`, email: `${tag.toLowerCase()}.en@direktoratet.no`, unit_external_id: `${tag}-A`, language: "nn" },
  { external_id: `${tag}-E2`, email: `${tag.toLowerCase()}.to@direktoratet.no`, unit_external_id: `${tag}-ROOT` },
];

// A dry run names every bad row and changes nothing.
const dry = await api.POST("/api/imports/organisation", {
  body: {
    mode: "upsert",
    dry_run: true,
    units,
    employees: [...people, { external_id: `${tag}-E3`, email: "not-an-email", unit_external_id: `${tag}-A` }],
  },
});
check(dry.data?.applied === false && dry.data.errors.length === 1, "dry run", dry.data ?? dry.error);
check(dry.data!.errors[0].field === "employees.email" && dry.data!.errors[0].row === 3, "dry-run error", dry.data!.errors[0]);

// The real run; a retry with the same key returns the first result.
const key = crypto.randomUUID();
const body = { mode: "upsert" as const, dry_run: false, units, employees: people };
const done = await api.POST("/api/imports/organisation", { body, params: { header: { "Idempotency-Key": key } } });
check(done.data?.applied === true && done.data.units.created === 2 && done.data.employees.created === 2, "apply", done.data ?? done.error);
const again = await api.POST("/api/imports/organisation", { body, params: { header: { "Idempotency-Key": key } } });
check(again.data?.import_id === done.data!.import_id, "retry", again.data ?? again.error);

// The same units as a CSV file: nothing to change.
const csv = `external_id,name,parent_external_id\n${tag}-ROOT,${tag} Avdeling,\n${tag}-A,${tag} Seksjon A,${tag}-ROOT\n`;
const same = await api.POST("/api/imports/units/csv", {
  params: { query: { dry_run: true } },
  body: { csv },
});
check(same.data?.unchanged === 2, "csv", same.data ?? same.error);

// Read back.
const staff = await api.GET("/api/employees", { params: { query: { q: `${tag.toLowerCase()}.`, per_page: 10 } } });
check(staff.data?.total === 2, "employees", staff.data ?? staff.error);
const tree = await api.GET("/api/units", { params: { query: { q: tag, per_page: 10 } } });
const ids = tree.data?.items.map((u) => u.external_id).sort();
check(JSON.stringify(ids) === JSON.stringify([`${tag}-A`, `${tag}-ROOT`]), "units", tree.data ?? tree.error);

// Bad input is a problem document with a stable code.
const refused = await api.GET("/api/employees", { params: { query: { per_page: 100000 } } });
check(refused.response.status === 422 && refused.error?.code === "invalid_input", "refused", refused.error);

console.log(`typescript: synced ${staff.data!.total} employees in ${tree.data!.total} units`);
