import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
// The demo shop the tests buy from (seeds/demo.sql, as npm run dev loads it): each of its
// statements, comments left out. Loading it again changes nothing (INSERT OR IGNORE).
const statements = env.TEST_DEMO_SEED.replace(/^--.*$/gm, "")
	.split(/;\s*$/m)
	.map((sql) => sql.trim())
	.filter(Boolean);
await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
