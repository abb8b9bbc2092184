/**
 * `npm run dev`: the shop on http://localhost:8787.
 * - No real Stripe key configured: starts the local Stripe emulator and
 *   `wrangler dev` wired to each other (payments, webhooks, all offline).
 * - A real test key in .dev.vars: runs against Stripe; you run
 *   `npm run stripe:listen` in another terminal to forward webhooks.
 */
import { spawn, spawnSync } from "node:child_process";
import { startEmulator } from "../emulator/server.ts";
import {
	EMULATOR_SECRET_KEY,
	EMULATOR_WEBHOOK_SECRET,
	readDevVars,
	usesRealStripe,
} from "./dev-vars.ts";

const port = Number(process.env.PORT ?? 8787);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 12111);
const wrangler = "node_modules/.bin/wrangler";

const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
	stdio: "inherit",
	env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const vars = { ...readDevVars(), ...process.env };
const args = ["dev", "--port", String(port), "--test-scheduled"];
let closeEmulator = async () => {};

if (usesRealStripe(vars)) {
	console.log(
		`\n  Mode: Stripe (${vars.STRIPE_SECRET_KEY?.startsWith("sk_live_") ? "LIVE key!" : "test mode"}), keys from .dev.vars`,
	);
	console.log("  Forward webhooks in another terminal:  npm run stripe:listen");
	console.log("  and put the whsec_… it prints into .dev.vars as STRIPE_WEBHOOK_SECRET.\n");
} else {
	const emulator = await startEmulator({
		port: emulatorPort,
		webhookUrl: `http://127.0.0.1:${port}/webhook`,
		webhookSecret: EMULATOR_WEBHOOK_SECRET,
		log: (line) => console.log(`[stripe-emulator] ${line}`),
	});
	closeEmulator = () => emulator.close();
	args.push(
		"--var",
		`STRIPE_SECRET_KEY:${EMULATOR_SECRET_KEY}`,
		"--var",
		`STRIPE_WEBHOOK_SECRET:${emulator.webhookSecret}`,
		"--var",
		`STRIPE_API_BASE:${emulator.url}`,
	);
	console.log(`\n  Mode: local Stripe emulator at ${emulator.url} (no Stripe account needed)`);
	console.log(
		"  Pay with 4242 4242 4242 4242; declines: 4000 0000 0000 0002, 4000 0000 0000 9995 (see emulator/README.md).",
	);
	console.log(`  Webhooks are signed and forwarded to http://127.0.0.1:${port}/webhook.\n`);
}
console.log(
	`  Shop: http://localhost:${port}/   Admin: http://localhost:${port}/admin.html (set ADMIN_TOKEN in .dev.vars)\n`,
);

const child = spawn(wrangler, args, { stdio: "inherit" });
const stop = (signal: NodeJS.Signals) => {
	if (!child.killed) child.kill(signal);
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
child.on("exit", async (code) => {
	await closeEmulator();
	process.exit(code ?? 0);
});
