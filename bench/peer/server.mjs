// PostGraphile 5 over the bench database: the peer of bench/ (see ../README.md). DATABASE_URL
// and PORT come from the environment; the bench creates the schema bench_peer with the tenant
// filter (tickets_of) before starting it.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";

const port = Number(process.env.PORT || 5678);
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public", "bench_peer"],
      poolConfig: { max: 20 },
    }),
  ],
  grafserv: { port, graphqlPath: "/graphql", graphiql: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
// Keep idle connections longer than the bench client does (Node's default of 5 s races the
// client's reuse of an idle connection and resets it).
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
server.listen(port, "127.0.0.1", () => console.log(`peer listening on ${port}`));
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    server.close();
    await pgl.release();
    process.exit(0);
  });
}
