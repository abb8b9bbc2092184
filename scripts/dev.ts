/**
 * `npm run dev`: the shop on http://localhost:8787 (PORT), with `wrangler dev`
 * reading `.dev.vars` exactly as a plain `wrangler dev` would.
 * - No STRIPE_SECRET_KEY in .dev.vars: starts the local Stripe emulator
 *   (EMULATOR_PORT, default 12111) and wires it in: payments and signed
 *   webhooks, all offline. Its objects are kept beside the local D1, so a
 *   restart finds the sessions that the local orders refer to.
 * - A test key and STRIPE_API_BASE: your own emulator or mock, used as is.
 * - A key alone: Stripe itself; forward webhooks with `npm run stripe:listen`.
 * - No EMAIL_PROVIDER in .dev.vars (whatever the Stripe mode): starts the local
 *   mailbox (MAILBOX_PORT, default 12112, else a free port when that one is
 *   taken) and points the worker's `resend` provider at it, so every email
 *   lands in a page on this machine; its messages are kept beside the local D1.
 *   With EMAIL_PROVIDER set, the email settings of .dev.vars are used as they are.
 * Arguments after `--` go to `wrangler dev` (e.g. `npm run dev -- --ip 0.0.0.0`); `--port N`
 * there sets the shop's port, as PORT does.
 */

import { DEFAULT_MAILBOX_PORT } from "local-mailbox";
import { DEMO_PROMOTION_CODES, describeSeed } from "stripe-emulator";
import {
	documentedSettings,
	EMULATOR_WEBHOOK_SECRET,
	readDevVars,
	stripeMode,
} from "./dev-vars.ts";
import { freePort, migrateLocal, portIsFree, seedDemo, startShop } from "./stack.ts";

// `npm run dev -- --port 3000` sets the shop's port as PORT does (wrangler must not get it twice).
const { port, rest: wranglerArgs } = takePort(
	process.argv.slice(2),
	Number(process.env.PORT ?? 8787),
);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 12111);
/** The port given to `wrangler dev` after `--` (`--port 3000`, `--port=3000`), and the other arguments. */
function takePort(args: string[], fallback: number): { port: number; rest: string[] } {
	let port = fallback;
	const rest: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i] ?? "";
		const value = arg === "--port" ? args[++i] : arg.startsWith("--port=") ? arg.slice(7) : null;
		if (value === null) rest.push(arg);
		else if (value !== undefined && /^\d{1,5}$/.test(value)) port = Number(value);
		else {
			console.error(`--port must be a port number, not ${JSON.stringify(value ?? "")}`);
			process.exit(1);
		}
	}
	return { port, rest };
}

const STRIPE_VARS = [
	"STRIPE_SECRET_KEY",
	"STRIPE_PUBLISHABLE_KEY",
	"STRIPE_WEBHOOK_SECRET",
	"STRIPE_API_BASE",
];
const MAILBOX_REPLACES = ["EMAIL_API_BASE", "RESEND_API_KEY"];

try {
	migrateLocal();
	// The demo shop, for the local database only (npm run db:seed:demo loads it elsewhere on request).
	seedDemo();
} catch (err) {
	console.error((err as Error).message);
	process.exit(1);
}

const devVars = readDevVars();
const set = Object.entries(devVars)
	.filter(([, value]) => value.trim() !== "")
	.map(([name]) => name);
const known = documentedSettings();
const mode = stripeMode(devVars);
const lines = [
	`Shop      http://localhost:${port}/`,
	`Admin     http://localhost:${port}/admin.html${set.includes("ADMIN_TOKEN") ? "" : " (off: set ADMIN_TOKEN in .dev.vars)"}`,
];
if (mode === "emulator") {
	lines.push(
		`Stripe    local emulator at http://127.0.0.1:${emulatorPort} (no Stripe account needed; state in .wrangler/state/)`,
		"          pay with 4242 4242 4242 4242; declined: 4000 0000 0000 0002, 4000 0000 0000 9995",
		`          promotion codes: ${DEMO_PROMOTION_CODES.map(describeSeed).join(", ")}`,
		`Webhooks  signed and forwarded to http://127.0.0.1:${port}/webhook`,
	);
	const replaced = STRIPE_VARS.filter((name) => set.includes(name));
	if (replaced.length > 0)
		lines.push(
			`          ${replaced.join(", ")} from .dev.vars replaced by the emulator's (no STRIPE_SECRET_KEY set)`,
		);
} else if (mode === "api-base") {
	lines.push(
		`Stripe    API at STRIPE_API_BASE from .dev.vars (test key); webhooks: send them to http://localhost:${port}/webhook`,
	);
} else {
	const live = /^(sk|rk)_live_/.test(devVars.STRIPE_SECRET_KEY?.trim() ?? "");
	lines.push(
		`Stripe    ${live ? "LIVE key: real money!" : "test mode"}, key from .dev.vars`,
		"Webhooks  in another terminal: npm run stripe:listen, and put the whsec_… it prints in .dev.vars",
	);
}
const ownEmail = set.includes("EMAIL_PROVIDER");
let mailboxPort = Number(process.env.MAILBOX_PORT ?? DEFAULT_MAILBOX_PORT);
let mailboxNote = "";
// Another `npm run dev` (or a test of it) may hold the default port: take another rather than fail.
if (!ownEmail && process.env.MAILBOX_PORT === undefined && !(await portIsFree(mailboxPort))) {
	mailboxPort = await freePort();
	mailboxNote = `; ${DEFAULT_MAILBOX_PORT} was taken`;
}
if (ownEmail) {
	lines.push(
		`Mail      EMAIL_PROVIDER=${devVars.EMAIL_PROVIDER?.trim()} from .dev.vars, with your email settings (no local mailbox)`,
	);
} else {
	lines.push(
		`Mail      local mailbox at http://127.0.0.1:${mailboxPort} (every email the shop sends; nothing leaves this machine${mailboxNote})`,
	);
	const replaced = MAILBOX_REPLACES.filter((name) => set.includes(name));
	if (replaced.length > 0)
		lines.push(
			`          ${replaced.join(", ")} from .dev.vars replaced by the mailbox's (no EMAIL_PROVIDER set)`,
		);
}
lines.push(
	`Cron      curl "http://localhost:${port}/__scheduled?cron=*/5+*+*+*+*"`,
	`Settings  from .dev.vars: ${set.length > 0 ? set.join(", ") : "none"}`,
);
const unknown = set.filter((name) => !known.includes(name));
if (unknown.length > 0)
	lines.push(`          not read by the worker (a typo?): ${unknown.join(", ")}`);
console.log(`\n${lines.map((line) => `  ${line}`).join("\n")}\n`);

const shop = await startShop({
	port,
	ip: null,
	testScheduled: true,
	extraArgs: wranglerArgs,
	output: "inherit",
	readyPath: null,
	// A sender set in .dev.vars is kept: the mailbox only fills in what is missing.
	vars: !ownEmail && set.includes("EMAIL_FROM") ? { EMAIL_FROM: devVars.EMAIL_FROM ?? "" } : {},
	mailbox: ownEmail
		? null
		: {
				port: mailboxPort,
				statePath: ".wrangler/state/local-mailbox.json",
				log: (line) => console.log(`[local-mailbox] ${line}`),
			},
	emulator:
		mode === "emulator"
			? {
					port: emulatorPort,
					webhookSecret: EMULATOR_WEBHOOK_SECRET,
					statePath: ".wrangler/state/stripe-emulator.json",
					promotionCodes: DEMO_PROMOTION_CODES,
					log: (line) => console.log(`[stripe-emulator] ${line}`),
				}
			: null,
});
let stopping = false;
const stop = () => {
	if (stopping) return;
	stopping = true;
	void shop.stop();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
const code = await shop.server.exited;
await shop.emulator?.close();
await shop.mailbox?.close();
process.exit(code ?? 0);
