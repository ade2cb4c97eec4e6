// Runs the graphql-http server audit (GraphQL over HTTP conformance) against a live server.
// Usage: node audit.mjs http://127.0.0.1:8080/graphql [--min-should N] [--min-may N]
// Prints one line per audit and the counts per requirement; exits 1 when a MUST fails or when
// fewer SHOULD/MAY audits pass than the given minimum.
import { auditServer } from 'graphql-http';

const args = process.argv.slice(2);
const url = args[0];
if (!url) {
  console.error('usage: node audit.mjs <graphql url> [--min-should N] [--min-may N]');
  process.exit(2);
}
const flag = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? 0 : Number(args[i + 1]);
};

const results = await auditServer({ url });
const counts = {};
for (const r of results) {
  const req = r.name.split(' ')[0];
  counts[req] ??= { ok: 0, total: 0 };
  counts[req].total++;
  if (r.status === 'ok') counts[req].ok++;
  else console.log(`${r.status.toUpperCase()} ${r.id} ${r.name}: ${r.reason}`);
}
const line = (req) => `${req} ${counts[req]?.ok ?? 0}/${counts[req]?.total ?? 0}`;
console.log(`graphql-http audit: ${line('MUST')}, ${line('SHOULD')}, ${line('MAY')}`);
const failed =
  (counts.MUST && counts.MUST.ok < counts.MUST.total) ||
  (counts.SHOULD?.ok ?? 0) < flag('--min-should') ||
  (counts.MAY?.ok ?? 0) < flag('--min-may');
process.exit(failed ? 1 : 0);
