/**
 * Forwards Stripe test-mode events to the local worker with the Stripe CLI,
 * for exactly the events the worker handles (HANDLED_EVENT_TYPES):
 *
 *   npm run stripe:listen -- [--forward-to localhost:8787/webhook] [-- <more stripe listen flags>]
 *
 * By default it forwards to the port `npm run dev` serves on: PORT, else 8787.
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { HANDLED_EVENT_TYPES } from "../src/domain/handled-events.ts";

const INSTALL = `The Stripe CLI is not installed (no \`stripe\` on PATH). Install it, then run \`stripe login\`:
  macOS:   brew install stripe/stripe-cli/stripe
  Linux:   https://docs.stripe.com/stripe-cli/install (apt, yum, or the tarball)
  Windows: scoop install stripe
  Docker:  docker run --rm -it stripe/stripe-cli listen …`;

function fail(message: string): never {
	console.error(`stripe-listen: ${message}`);
	process.exit(1);
}

function readOptions() {
	try {
		return parseArgs({
			options: {
				"forward-to": { type: "string", default: `localhost:${process.env.PORT ?? 8787}/webhook` },
			},
			allowPositionals: true,
		});
	} catch (err) {
		fail((err as Error).message);
	}
}

const options = readOptions();
const events = [...HANDLED_EVENT_TYPES];
const forwardTo = options.values["forward-to"];
const args = [
	"listen",
	"--forward-to",
	forwardTo,
	"--events",
	events.join(","),
	...options.positionals,
];
console.error(
	`Forwarding ${events.length} event types to ${forwardTo}.\nPut the whsec_… secret \`stripe listen\` prints into .dev.vars as STRIPE_WEBHOOK_SECRET.`,
);

const child = spawn("stripe", args, { stdio: "inherit" });
child.on("error", (err: NodeJS.ErrnoException) => {
	if (err.code === "ENOENT") fail(INSTALL);
	fail(err.message);
});
child.on("exit", (code, signal) => {
	process.exit(code ?? (signal === "SIGINT" ? 130 : 1));
});
