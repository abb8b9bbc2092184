/**
 * `npm run bench` — node bench/run.ts [--smoke] [--only webhook,checkout,size,growth,startup]
 *   [--runner cli|api] [--keep] [--out file.json]
 * Measures the worker as users meet it and prints a table; writes the figures
 * to bench/results/latest.json. See bench/README.md for what each measure means.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LOCAL_MAILBOX_API_KEY } from "local-mailbox";
import type { LoadSummary } from "./lib/load.ts";
import {
	CLK_TCK,
	type DevServer,
	type Emulator,
	freePort,
	ROOT,
	startEmulatorProcess,
	startMailboxProcess,
	startWranglerDevForBench,
	wrangler,
} from "./lib/proc.ts";
import { makeOrders, ordersSql, sessionsAtEmulator } from "./lib/stripe-events.ts";
import {
	type CheckoutPlan,
	type CheckoutResult,
	checkoutRequest,
	measureCheckout,
	UNLIMITED_ID,
} from "./measures/checkout.ts";
import {
	type ConsumerPlan,
	type ConsumerResult,
	consumerOrdersNeeded,
	measureConsumer,
} from "./measures/email-consumer.ts";
import { type FlashSaleResult, measureFlashSale } from "./measures/flash-sale.ts";
import {
	type GrowthPlan,
	type GrowthResult,
	measureGrowth,
	prepareGrowthTemplate,
} from "./measures/growth.ts";
import { profileRoutes, type RouteProfile } from "./measures/profile.ts";
import { measureRoundTrips, type RoundTrip } from "./measures/round-trips.ts";
import { type BundleSize, measureBundle, SIZE_TARGETS } from "./measures/size.ts";
import { measureStartup, type StartupResult } from "./measures/startup.ts";
import {
	eventRequest,
	measureWebhooks,
	ordersNeeded,
	type WebhookLevel,
	type WebhookPlan,
} from "./measures/webhook.ts";
import { buildReport } from "./report.ts";

const SECTIONS = [
	"webhook",
	"checkout",
	"consumer",
	"flash-sale",
	"round-trips",
	"profile",
	"size",
	"growth",
	"startup",
] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
	options: {
		smoke: { type: "boolean", default: false },
		only: { type: "string" },
		keep: { type: "boolean", default: false },
		runner: { type: "string", default: "cli" },
		out: { type: "string", default: join(ROOT, "bench/results/latest.json") },
	},
});
const smoke = values.smoke as boolean;
const only = new Set(
	(values.only ?? SECTIONS.join(",")).split(",").map((s) => s.trim()) as Section[],
);
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section ${s}`);
const runner = values.runner as "cli" | "api";
if (runner !== "cli" && runner !== "api") throw new Error("--runner: cli or api");

const PLAN = smoke
	? {
			webhook: { concurrencies: [1, 8], rounds: 1, requests: 200, warmup: 20, maxSeconds: 30 },
			checkout: { concurrencies: [8], rounds: 1, requests: 200, warmup: 20, maxSeconds: 30 },
			consumer: { connections: 8, rounds: 1, requests: 100 },
			flashSale: { shoppers: 60, units: 20, rounds: 1, maxSeconds: 30 },
			growth: { sizes: [1_000, 5_000], samples: 40, batch: 20 },
			profile: { connections: 8, requests: 100 },
			startupRuns: 1,
		}
	: {
			webhook: { concurrencies: [1, 8, 32], rounds: 3, requests: 800, warmup: 50, maxSeconds: 60 },
			checkout: { concurrencies: [1, 8, 32], rounds: 3, requests: 300, warmup: 30, maxSeconds: 60 },
			consumer: { connections: 8, rounds: 3, requests: 300 },
			flashSale: { shoppers: 300, units: 100, rounds: 3, maxSeconds: 60 },
			growth: { sizes: [1_000, 100_000], samples: 300, batch: 50 },
			profile: { connections: 8, requests: 600 },
			startupRuns: 5,
		};
const webhookPlan: WebhookPlan = PLAN.webhook;
const checkoutPlan: CheckoutPlan = PLAN.checkout;
const growthPlan = PLAN.growth as GrowthPlan;

const WEBHOOK_SECRET = "whsec_bench_local_only_signing_secret";
const STRIPE_KEY = "sk_test_bench_emulator";
/** Opens the admin API on the bench's own server (the checkout measure creates a stock-limited product). */
const ADMIN_TOKEN = "bench_local_only_admin_token";
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

const tmp = mkdtempSync(join(tmpdir(), "stripe-worker-bench-"));
const running: { stop(): Promise<void> }[] = [];
const stopAll = async () => {
	for (const p of running.splice(0).reverse()) await p.stop().catch(() => {});
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.once(signal, () => {
		log(`\n${signal}: stopping servers`);
		void stopAll().then(() => process.exit(130));
	});
}

let webhook: { levels: WebhookLevel[]; exhausted: number } | null = null;
let checkout: CheckoutResult | null = null;
let consumer: ConsumerResult | null = null;
let flashSale: FlashSaleResult | null = null;
let roundTrips: RoundTrip[] = [];
let sizes: BundleSize[] = [];
let growth: GrowthResult | null = null;
let startup: StartupResult[] = [];
let profiles: RouteProfile[] = [];
let servers: Servers | null = null;

const needServers = ["webhook", "checkout", "consumer", "flash-sale"].some((x) =>
	only.has(x as Section),
);
/** The servers' database (pending orders to pay), shared by the measures and then the profile. */
const needDatabase = needServers || only.has("profile");
const site = join(tmp, "site");
const siteConfig = join(site, "wrangler.toml");
const mainState = join(tmp, "main-state");
/** The server whose queue consumer sends the e-mails (the consumer measure); its own database. */
const mailerConfig = join(site, "wrangler.mailer.toml");
const mailerState = join(tmp, "mailer-state");
const baselineState = join(tmp, "baseline-state");
const baselineConfig = join(ROOT, "bench/baseline-worker/wrangler.toml");
const growthTemplate = join(tmp, "growth-template");
const consumerPlan: ConsumerPlan = PLAN.consumer;
/** Every pending order the run pays, in the order the measures take them. */
const orderPlan = {
	webhook: only.has("webhook") ? ordersNeeded(webhookPlan) : 0,
	consumer: only.has("consumer") ? consumerOrdersNeeded(consumerPlan) : 0,
	profile: only.has("profile") ? PLAN.profile.requests : 0,
};
const orders = makeOrders(orderPlan.webhook + orderPlan.consumer + orderPlan.profile);
const ordersFor = {
	webhook: orders.slice(0, orderPlan.webhook),
	consumer: orders.slice(orderPlan.webhook, orderPlan.webhook + orderPlan.consumer),
	profile: orders.slice(orderPlan.webhook + orderPlan.consumer),
};
/** The profiled server: the same worker built unminified (its functions keep their names). */
const profileSite = join(tmp, "site-profile");

/**
 * The worker is served as built once (the bundle the size measure weighs),
 * from a copy of the project's config in the temp dir: edits others make to
 * src/ or public/ meanwhile cannot make wrangler rebuild and restart workerd
 * mid-measure, and no .dev.vars (real keys) is read.
 */
function prepareSite(): void {
	mkdirSync(site);
	const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
	if (!/^main\s*=.*$/m.test(toml)) throw new Error("wrangler.toml has no main");
	const built = toml.replace(/^main\s*=.*$/m, 'main = "build/index.js"');
	// The measures' server has no queue consumer: a request's CPU is its own, as in production,
	// where the consumer is an invocation of its own (measured apart, with the mailer's config).
	const consumer = /^\[\[queues\.consumers\]\]\n(?:[^[\n].*\n|\n)*/m;
	if (!consumer.test(built)) throw new Error("wrangler.toml has no [[queues.consumers]]");
	writeFileSync(siteConfig, built.replace(consumer, ""));
	writeFileSync(mailerConfig, built);
	cpSync(join(ROOT, "public"), join(site, "public"), { recursive: true });
	cpSync(join(ROOT, "migrations"), join(site, "migrations"), { recursive: true });
	cpSync(join(ROOT, "seeds"), join(site, "seeds"), { recursive: true });
	if (only.has("profile")) cpSync(site, profileSite, { recursive: true });
}

/** The unminified build the profile runs (the bundle's module markers name each sample's module). */
async function buildForProfile(): Promise<void> {
	await wrangler([
		"deploy",
		"--dry-run",
		"--config",
		join(ROOT, "wrangler.toml"),
		"--outdir",
		join(profileSite, "build"),
		"--no-minify",
	]);
}

/**
 * The emulator first (each pending order gets a real Checkout Session there),
 * then every database with the migrations and the pending orders.
 */
async function prepareDatabases(emulator: Emulator): Promise<void> {
	await sessionsAtEmulator(emulator.url, orders, STRIPE_KEY);
	const ordersFile = join(tmp, "pending-orders.sql");
	writeFileSync(ordersFile, ordersSql(orders, Date.now()));
	const states = only.has("consumer") ? [mainState, mailerState] : [mainState];
	await Promise.all(
		states.map(async (state) => {
			const local = ["--local", "--config", siteConfig, "--persist-to", state];
			await wrangler(["d1", "migrations", "apply", "DB", ...local]);
			// The demo catalog the measured carts buy from.
			await wrangler([
				"d1",
				"execute",
				"DB",
				...local,
				"--file",
				join(site, "seeds/demo.sql"),
				"--yes",
			]);
			if (orders.length > 0)
				await wrangler(["d1", "execute", "DB", ...local, "--file", ordersFile, "--yes"]);
		}),
	);
}

type Servers = {
	main: DevServer;
	baseline: DevServer;
	/** With the queue consumer, sending to the mailbox: the consumer measure only. */
	mailer: DevServer | null;
	emulator: Emulator;
};

/** The shop's settings on the bench's servers (local-only values; the emulator stands in for Stripe). */
const shopVars = (emulator: Emulator) => ({
	CHECKOUT_RATE_LIMIT: "off",
	STRIPE_SECRET_KEY: STRIPE_KEY,
	STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
	STRIPE_API_BASE: emulator.url,
	ADMIN_TOKEN,
});

async function startServers(emulator: Emulator): Promise<Servers> {
	const mailbox = only.has("consumer") ? await startMailboxProcess(join(tmp, "mailbox.log")) : null;
	if (mailbox) running.push(mailbox);
	// Started together; if one fails, the others are stopped too (through `running`).
	const started = await Promise.allSettled([
		startWranglerDevForBench({
			config: siteConfig,
			noBundle: true,
			runner,
			persistTo: mainState,
			vars: shopVars(emulator),
			readyPath: "/healthz",
			logFile: join(tmp, "wrangler-main.log"),
		}),
		startWranglerDevForBench({
			config: baselineConfig,
			runner,
			persistTo: baselineState,
			vars: {
				STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
				STRIPE_API_BASE: emulator.url,
				STRIPE_SECRET_KEY: STRIPE_KEY,
			},
			readyPath: "/",
			logFile: join(tmp, "wrangler-baseline.log"),
		}),
		mailbox
			? startWranglerDevForBench({
					config: mailerConfig,
					noBundle: true,
					runner,
					persistTo: mailerState,
					vars: {
						...shopVars(emulator),
						EMAIL_PROVIDER: "resend",
						EMAIL_FROM: "Bench <orders@bench.test>",
						EMAIL_API_BASE: mailbox.url,
						RESEND_API_KEY: LOCAL_MAILBOX_API_KEY,
					},
					readyPath: "/healthz",
					logFile: join(tmp, "wrangler-mailer.log"),
				})
			: Promise.resolve(null),
	]);
	for (const r of started) if (r.status === "fulfilled" && r.value) running.push(r.value);
	const failed = started.find((r) => r.status === "rejected");
	if (failed) throw failed.reason;
	const [main, baseline, mailer] = started.map(
		(r) => (r as PromiseFulfilledResult<DevServer | null>).value,
	) as [DevServer, DevServer, DevServer | null];
	return { main, baseline, mailer, emulator };
}

/**
 * The same worker, unminified, on the same database (the measures' server is
 * stopped by now), with its inspector open: each hot path under load while
 * the isolate is profiled. The last pending orders are the webhook's.
 */
async function runProfiles(emulator: Emulator): Promise<RouteProfile[]> {
	const inspectorPort = await freePort();
	const server = await startWranglerDevForBench({
		config: join(profileSite, "wrangler.toml"),
		noBundle: true,
		runner: "cli",
		persistTo: mainState,
		vars: shopVars(emulator),
		extraArgs: ["--inspector-port", String(inspectorPort)],
		readyPath: "/healthz",
		logFile: join(tmp, "wrangler-profile.log"),
	});
	running.push(server);
	const { connections, requests } = PLAN.profile;
	const load = { url: server.url, connections, requests, maxSeconds: 60 };
	const events = ordersFor.profile;
	const saveTo = (label: string) => join(tmp, `profile-${label.replace(/\W+/g, "-")}.cpuprofile`);
	return profileRoutes({
		inspectorPort,
		bundleFile: join(profileSite, "build/index.js"),
		url: server.url,
		log,
		saveTo,
		targets: [
			{ label: "GET /healthz", load: { ...load, request: { method: "GET", path: "/healthz" } } },
			{
				label: "POST /create-checkout-session",
				load: { ...load, request: checkoutRequest(UNLIMITED_ID) },
			},
			{
				label: "GET /api/products",
				load: { ...load, request: { method: "GET", path: "/api/products" } },
			},
			{
				label: "POST /webhook",
				load: { ...load, request: eventRequest(events, WEBHOOK_SECRET, { count: 0 }) },
			},
		],
	});
}

let emulator: Emulator | null = null;
try {
	// Preparation (nothing timed): builds, migrations, data, all at once.
	log(`[${elapsed()}] building bundles, applying migrations, writing pending orders`);
	if (needDatabase || only.has("size")) prepareSite();
	// One emulator for the whole run: the pending orders' sessions live in it.
	if (needDatabase) emulator = await startEmulatorProcess(join(tmp, "emulator.log"));
	const stripe = emulator;
	await Promise.all([
		// The worker's bundle (the first target) is also what the servers run.
		needDatabase || only.has("size")
			? Promise.all(
					(only.has("size") ? SIZE_TARGETS : SIZE_TARGETS.slice(0, 1)).map((target, i) =>
						measureBundle(target, i === 0 ? join(site, "build") : join(tmp, `size-${i}`)),
					),
				).then((r) => {
					if (only.has("size")) sizes = r;
				})
			: null,
		stripe ? prepareDatabases(stripe) : null,
		only.has("profile") ? buildForProfile() : null,
		needServers
			? wrangler([
					"d1",
					"migrations",
					"apply",
					"DB",
					"--local",
					"--config",
					baselineConfig,
					"--persist-to",
					baselineState,
				])
			: null,
		only.has("growth") ? prepareGrowthTemplate(growthTemplate) : null,
	]);

	if (needServers && stripe) {
		servers = await startServers(stripe);
		const { main, baseline, mailer } = servers;
		log(
			`[${elapsed()}] worker at ${main.url} (workerd ${main.workerPid}), baseline at ${baseline.url} (workerd ${baseline.workerPid}), emulator at ${stripe.url}`,
		);
		if (only.has("webhook")) {
			log(`[${elapsed()}] 1. webhook cost (${ordersFor.webhook.length} pending orders)`);
			webhook = await measureWebhooks({
				plan: webhookPlan,
				main,
				baseline,
				secret: WEBHOOK_SECRET,
				orders: ordersFor.webhook,
				log,
			});
		}
		if (only.has("consumer") && mailer) {
			log(`[${elapsed()}] 1b. the e-mail consumer, apart from the webhook`);
			consumer = await measureConsumer({
				plan: consumerPlan,
				alone: main,
				mailer,
				mailerState,
				secret: WEBHOOK_SECRET,
				orders: ordersFor.consumer,
				log,
			});
		}
		if (only.has("checkout")) {
			log(`[${elapsed()}] 2. checkout creation`);
			checkout = await measureCheckout({
				plan: checkoutPlan,
				main,
				emulator: stripe,
				adminToken: ADMIN_TOKEN,
				log,
			});
		}
		if (only.has("flash-sale")) {
			log(`[${elapsed()}] 2b. flash sale`);
			flashSale = await measureFlashSale({
				plan: PLAN.flashSale,
				main,
				adminToken: ADMIN_TOKEN,
				log,
			});
		}
		await stopAll();
	}
	if (only.has("profile") && stripe) {
		log(`[${elapsed()}] where the CPU goes (a CPU profile of each hot path, unminified build)`);
		profiles = await runProfiles(stripe);
		await stopAll();
	}
	if (only.has("round-trips")) {
		log(`[${elapsed()}] round trips per operation (test/worker/round-trips.test.ts)`);
		roundTrips = await measureRoundTrips(tmp);
	}
	if (only.has("startup")) {
		log(`[${elapsed()}] 5. startup CPU (wrangler check startup × ${PLAN.startupRuns})`);
		// One at a time: these measure CPU time.
		startup = [
			await measureStartup("worker", ROOT, PLAN.startupRuns, tmp),
			await measureStartup(
				"Hono + stripe",
				join(ROOT, "bench/size-baselines/hono-stripe"),
				PLAN.startupRuns,
				tmp,
			),
		];
	}
	if (only.has("growth")) {
		log(`[${elapsed()}] 4. growth`);
		growth = await measureGrowth({ plan: growthPlan, tmp, template: growthTemplate, log });
	}
} finally {
	await stopAll();
	await emulator?.stop();
	if (!values.keep) rmSync(tmp, { recursive: true, force: true });
	else log(`kept ${tmp}`);
}

const mode = `${smoke ? "smoke (small sizes: figures are not meaningful)" : "full"}, runner ${runner}`;
const { figures, summary, output } = buildReport(
	{ webhook, checkout, consumer, flashSale, roundTrips, sizes, growth, startup, profiles },
	{ growthPlan, mode, elapsed },
);
console.log([summary, ...output].join("\n"));
// Benchmarks print figures, they do not pass or fail on targets; but a run whose requests
// failed measured nothing, and CI (which runs --smoke) should say so.
const problems: string[] = [];
const loads: LoadSummary[] = [
	...(webhook?.levels.flatMap((l) => [l.healthz, l.webhook, l.baseline, l.sameIo]) ?? []),
	...(checkout?.levels.flatMap((l) => [l.products, l.checkout, l.limited]) ?? []),
];
for (const l of loads) {
	if (l.ok < l.completed || l.errors > 0)
		problems.push(
			`${l.label} c=${l.connections}: ${l.completed - l.ok} non-2xx, ${l.errors} errors`,
		);
	if (l.timeLimited) console.log(`\nnote: ${l.label} c=${l.connections} hit its time limit`);
	if (Object.values(l.cpuMsPerRequest).some((v) => Number.isNaN(v)))
		console.log(`\nnote: ${l.label} c=${l.connections}: workerd was restarted, CPU unknown`);
}
const unprocessed = webhook?.levels.reduce(
	(n, l) => n + l.webhook.completed - (l.webhook.outcomes.processed ?? 0),
	0,
);
if (unprocessed) problems.push(`${unprocessed} webhook events were not "processed"`);
if (webhook?.exhausted) problems.push(`${webhook.exhausted} webhook requests reused an event`);
// Refused checkouts (a sold-out stock) or units not taken: the stock-limited figures are not reported.
if (checkout) problems.push(...checkout.failures);
if (flashSale) problems.push(...flashSale.failures.map((f) => `flash sale: ${f}`));
if (consumer && !(consumer.emailsSent > 0))
	problems.push("the e-mail consumer sent no e-mail: its CPU per e-mail is unknown");
for (const r of roundTrips) if (!r.held) problems.push(`round trips: ${r.operation} did not hold`);
if (only.has("round-trips") && roundTrips.length === 0)
	problems.push("round trips: the test reported no operation");
for (const p of problems) console.log(`\nPROBLEM: ${p}`);

mkdirSync(join(values.out as string, ".."), { recursive: true });
writeFileSync(
	values.out as string,
	`${JSON.stringify(
		{
			mode: smoke ? "smoke" : "full",
			runner,
			at: new Date().toISOString(),
			seconds: (Date.now() - started) / 1000,
			machine: {
				cpus: (await import("node:os")).cpus().length,
				clkTck: CLK_TCK,
				node: process.version,
			},
			plan: PLAN,
			figures,
			webhook: webhook && {
				exhausted: webhook.exhausted,
				levels: webhook.levels,
			},
			checkout,
			consumer,
			flashSale,
			roundTrips,
			sizes,
			startup,
			growth,
			profiles,
			servers: servers && {
				mainWorkerPid: servers.main.workerPid,
				baselineWorkerPid: servers.baseline.workerPid,
			},
		},
		null,
		2,
	)}\n`,
);
log(`wrote ${values.out}`);
if (problems.length > 0) process.exitCode = 1;
