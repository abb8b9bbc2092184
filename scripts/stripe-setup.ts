/**
 * Creates or updates the Stripe webhook endpoint of a deployed worker:
 *
 *   STRIPE_SECRET_KEY=sk_… npm run stripe:setup --  --url https://<worker>/webhook
 *
 * The events are exactly the ones the worker handles (HANDLED_EVENT_TYPES in
 * src/domain/handled-events.ts) and the API version is the one the worker pins
 * (src/lib/stripe.ts), both imported from the worker's own source.
 * STRIPE_API_BASE (test keys only) points it at the local emulator.
 * Exit code 0 when the endpoint is as it should be, 1 on any error.
 */
import { parseArgs } from "node:util";
import Stripe from "stripe";
import { HANDLED_EVENT_TYPES } from "../src/domain/handled-events.ts";
import {
	isTestKey,
	SECRET_KEY_PATTERN,
	STRIPE_API_VERSION,
	type StripeConfig,
} from "../src/lib/stripe.ts";

const DESCRIPTION = "stripe-checkout-worker";
const USAGE = `Usage: npm run stripe:setup -- --url https://<your-worker>/webhook

Environment:
  STRIPE_SECRET_KEY  sk_test_…, sk_live_… or rk_… with write access to webhook endpoints (required)
  STRIPE_API_BASE    Stripe API origin override, test keys only (the local emulator)`;

class SetupError extends Error {}

/** Stripe only ever shows the ends of a key; so do we, whatever we print. */
const redactKeys = (text: unknown) =>
	String(text).replace(/\b((?:sk|rk)_(?:test|live)_)[A-Za-z0-9_]+/g, "$1…");

function readOptions(argv: string[]) {
	let parsed: ReturnType<typeof parseOptions>;
	try {
		parsed = parseOptions(argv);
	} catch (err) {
		throw new SetupError(`${(err as Error).message}\n\n${USAGE}`);
	}
	return parsed.values;
}

function parseOptions(argv: string[]) {
	return parseArgs({
		args: argv,
		options: { url: { type: "string" }, help: { type: "boolean", short: "h" } },
	});
}

function endpointUrl(raw: string | undefined): URL {
	if (!raw) throw new SetupError(`--url is required.\n\n${USAGE}`);
	if (!URL.canParse(raw)) throw new SetupError(`--url is not a URL: ${raw}`);
	const url = new URL(raw);
	if (url.protocol !== "https:" && url.protocol !== "http:")
		throw new SetupError(`--url must be http(s), not ${url.protocol}`);
	return url;
}

function stripeSettings(env: NodeJS.ProcessEnv): StripeConfig {
	const secretKey = env.STRIPE_SECRET_KEY?.trim();
	if (!secretKey) throw new SetupError("STRIPE_SECRET_KEY is not set.");
	if (!SECRET_KEY_PATTERN.test(secretKey))
		throw new SetupError("STRIPE_SECRET_KEY does not look like sk_test_…, sk_live_… or rk_….");
	const testMode = isTestKey(secretKey);
	const rawBase = env.STRIPE_API_BASE?.trim();
	if (!rawBase) return { secretKey, apiBase: null, testMode };
	if (!testMode)
		throw new SetupError(
			"STRIPE_API_BASE may only be set with a test key (sk_test_… or rk_test_…).",
		);
	if (!URL.canParse(rawBase) || !/^https?:$/.test(new URL(rawBase).protocol))
		throw new SetupError("STRIPE_API_BASE must be an http(s) URL.");
	return { secretKey, apiBase: new URL(rawBase), testMode };
}

const worker = {
	events: [...HANDLED_EVENT_TYPES],
	apiVersion: STRIPE_API_VERSION,
};

const sameUrl = (a: string, b: URL) => URL.canParse(a) && new URL(a).href === b.href;

async function endpointsFor(stripe: Stripe, url: URL): Promise<Stripe.WebhookEndpoint[]> {
	const found: Stripe.WebhookEndpoint[] = [];
	for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
		if (sameUrl(endpoint.url, url)) found.push(endpoint);
	}
	return found;
}

function difference(a: readonly string[], b: readonly string[]): string[] {
	const other = new Set(b);
	return a.filter((x) => !other.has(x));
}

/** stripe-node (a script, not the worker: its size costs nothing here), as the worker talks to Stripe. */
function stripeNode(settings: StripeConfig): Stripe {
	const base = settings.apiBase;
	return new Stripe(settings.secretKey, {
		apiVersion: STRIPE_API_VERSION,
		maxNetworkRetries: 1,
		telemetry: false,
		...(base && {
			host: base.hostname,
			port: base.port || (base.protocol === "https:" ? 443 : 80),
			protocol: base.protocol === "https:" ? "https" : "http",
		}),
	});
}

type Out = { log: (line: string) => void; warn: (line: string) => void };

async function setup({ url, settings, out }: { url: URL; settings: StripeConfig; out: Out }) {
	const stripe = stripeNode(settings);
	const mode = settings.testMode ? "test mode" : "live mode";
	if (url.pathname !== "/webhook")
		out.warn(`note: the worker receives Stripe events on /webhook, not ${url.pathname}.`);

	const existing = await endpointsFor(stripe, url);
	if (existing.length > 1) {
		out.warn(
			`warning: ${existing.length} endpoints have this URL (${existing.map((e) => e.id).join(", ")}); using ${existing[0]?.id}. Delete the others: each sends every event again, signed with its own secret.`,
		);
	}
	const endpoint = existing[0];
	if (!endpoint) {
		const created = await stripe.webhookEndpoints.create({
			url: url.href,
			enabled_events: worker.events,
			api_version: worker.apiVersion as Stripe.WebhookEndpointCreateParams.ApiVersion,
			description: DESCRIPTION,
		});
		out.log(`Created webhook endpoint ${created.id} for ${created.url} (${mode}).`);
		out.log(`  events: ${worker.events.join(", ")}`);
		out.log(`  API version: ${worker.apiVersion}`);
		out.log("");
		out.log(`Signing secret: ${created.secret}`);
		out.log("Store it as the worker's secret (paste it when asked):");
		out.log("  npx wrangler secret put STRIPE_WEBHOOK_SECRET");
		out.log(
			"or, before the worker's first deploy, as STRIPE_WEBHOOK_SECRET=… in the file given to",
		);
		out.log("  npm run deploy -- --secrets-file .secrets.production");
		return;
	}

	if (endpoint.status === "disabled")
		out.warn(`warning: ${endpoint.id} is disabled: enable it in the Stripe Dashboard.`);
	if (endpoint.api_version !== worker.apiVersion) {
		out.warn(
			`warning: ${endpoint.id} uses API version ${endpoint.api_version ?? "(account default)"}, the worker is pinned to ${worker.apiVersion}. Stripe cannot change an endpoint's version: delete it and run this script again (it gets a new signing secret).`,
		);
	}
	const added = difference(worker.events, endpoint.enabled_events);
	const removed = difference(endpoint.enabled_events, worker.events);
	if (added.length === 0 && removed.length === 0) {
		out.log(`Webhook endpoint ${endpoint.id} for ${endpoint.url} is up to date (${mode}).`);
		return;
	}
	await stripe.webhookEndpoints.update(endpoint.id, { enabled_events: worker.events });
	out.log(`Updated the events of webhook endpoint ${endpoint.id} for ${endpoint.url} (${mode}).`);
	if (added.length > 0) out.log(`  added: ${added.join(", ")}`);
	if (removed.length > 0) out.log(`  removed: ${removed.join(", ")}`);
	out.log("Its signing secret is unchanged.");
}

function explain(err: unknown): string {
	if (err instanceof SetupError) return err.message;
	if (!(err instanceof Error)) return String(err);
	const e = err as Error & { type?: string; statusCode?: number };
	if (e.type === "StripeAuthenticationError") return `Stripe refused the key: ${e.message}`;
	if (e.type === "StripePermissionError")
		return `the key may not manage webhook endpoints: ${e.message}`;
	if (e.type === "StripeConnectionError") return `could not reach Stripe: ${e.message}`;
	if (typeof e.type === "string" && e.type.startsWith("Stripe"))
		return `Stripe answered ${e.statusCode ?? "an error"}: ${e.message}`;
	return e.message;
}

async function main() {
	const out: Out = { log: (line) => console.log(line), warn: (line) => console.error(line) };
	try {
		const options = readOptions(process.argv.slice(2));
		if (options.help) {
			out.log(USAGE);
			return 0;
		}
		const url = endpointUrl(options.url);
		const settings = stripeSettings(process.env);
		await setup({ url, settings, out });
		return 0;
	} catch (err) {
		out.warn(`stripe-setup: ${redactKeys(explain(err))}`);
		return 1;
	}
}

process.exitCode = await main();
