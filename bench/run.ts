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
import type { LoadSummary } from "./lib/load.ts";
import {
	CLK_TCK,
	type DevServer,
	type Emulator,
	freePort,
	ROOT,
	startEmulatorProcess,
	startWranglerDevForBench,
	wrangler,
} from "./lib/proc.ts";
import { makeOrders, ordersSql } from "./lib/stripe-events.ts";
import { type CheckoutPlan, type CheckoutResult, measureCheckout } from "./measures/checkout.ts";
import {
	type GrowthPlan,
	type GrowthResult,
	measureGrowth,
	prepareGrowthTemplate,
} from "./measures/growth.ts";
import { profileRoutes, type RouteProfile } from "./measures/profile.ts";
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

const SECTIONS = ["webhook", "checkout", "profile", "size", "growth", "startup"] as const;
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
			checkout: { connections: 8, rounds: 1, requests: 200, warmup: 20, maxSeconds: 30 },
			growth: { sizes: [1_000, 5_000], samples: 40, batch: 20 },
			profile: { connections: 8, requests: 100 },
			startupRuns: 1,
		}
	: {
			webhook: { concurrencies: [1, 8, 32], rounds: 3, requests: 800, warmup: 50, maxSeconds: 60 },
			checkout: { connections: 8, rounds: 3, requests: 600, warmup: 40, maxSeconds: 60 },
			growth: { sizes: [1_000, 100_000], samples: 300, batch: 50 },
			profile: { connections: 8, requests: 600 },
			startupRuns: 5,
		};
const webhookPlan: WebhookPlan = PLAN.webhook;
const checkoutPlan: CheckoutPlan = PLAN.checkout;
const growthPlan = PLAN.growth as GrowthPlan;

const WEBHOOK_SECRET = "whsec_bench_local_only_signing_secret";
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
let sizes: BundleSize[] = [];
let growth: GrowthResult | null = null;
let startup: StartupResult[] = [];
let profiles: RouteProfile[] = [];
let servers: { main: DevServer; baseline: DevServer; emulator: Emulator } | null = null;

const needServers = only.has("webhook") || only.has("checkout");
/** The servers' database (pending orders to pay), shared by the measures and then the profile. */
const needDatabase = needServers || only.has("profile");
const site = join(tmp, "site");
const siteConfig = join(site, "wrangler.toml");
const mainState = join(tmp, "main-state");
const baselineState = join(tmp, "baseline-state");
const baselineConfig = join(ROOT, "bench/baseline-worker/wrangler.toml");
const growthTemplate = join(tmp, "growth-template");
const orders = makeOrders(
	(only.has("webhook") ? ordersNeeded(webhookPlan) : 0) +
		(only.has("profile") ? PLAN.profile.requests : 0),
);
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
	writeFileSync(siteConfig, toml.replace(/^main\s*=.*$/m, 'main = "build/index.js"'));
	cpSync(join(ROOT, "public"), join(site, "public"), { recursive: true });
	cpSync(join(ROOT, "migrations"), join(site, "migrations"), { recursive: true });
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

async function prepareDatabases(): Promise<void> {
	const ordersFile = join(tmp, "pending-orders.sql");
	writeFileSync(ordersFile, ordersSql(orders, Date.now()));
	const local = ["--local", "--config", siteConfig, "--persist-to", mainState];
	await wrangler(["d1", "migrations", "apply", "DB", ...local]);
	if (orders.length > 0)
		await wrangler(["d1", "execute", "DB", ...local, "--file", ordersFile, "--yes"]);
}

async function startServers() {
	const emulator = await startEmulatorProcess(join(tmp, "emulator.log"));
	running.push(emulator);
	// Started together; if one fails, the other is stopped too (through `running`).
	const started = await Promise.allSettled([
		startWranglerDevForBench({
			config: siteConfig,
			noBundle: true,
			runner,
			persistTo: mainState,
			vars: {
				CHECKOUT_RATE_LIMIT: "off",
				STRIPE_SECRET_KEY: "sk_test_bench_emulator",
				STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
				STRIPE_API_BASE: emulator.url,
				ADMIN_TOKEN,
			},
			readyPath: "/healthz",
			logFile: join(tmp, "wrangler-main.log"),
		}),
		startWranglerDevForBench({
			config: baselineConfig,
			runner,
			persistTo: baselineState,
			vars: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
			readyPath: "/",
			logFile: join(tmp, "wrangler-baseline.log"),
		}),
	]);
	for (const r of started) if (r.status === "fulfilled") running.push(r.value);
	const failed = started.find((r) => r.status === "rejected");
	if (failed) throw failed.reason;
	const [main, baseline] = started.map((r) => (r as PromiseFulfilledResult<DevServer>).value) as [
		DevServer,
		DevServer,
	];
	return { main, baseline, emulator };
}

/**
 * The same worker, unminified, on the same database (the measures' server is
 * stopped by now), with its inspector open: each hot path under load while
 * the isolate is profiled. The last pending orders are the webhook's.
 */
async function runProfiles(): Promise<RouteProfile[]> {
	const emulator = await startEmulatorProcess(join(tmp, "emulator-profile.log"));
	running.push(emulator);
	const inspectorPort = await freePort();
	const server = await startWranglerDevForBench({
		config: join(profileSite, "wrangler.toml"),
		noBundle: true,
		runner: "cli",
		persistTo: mainState,
		vars: {
			CHECKOUT_RATE_LIMIT: "off",
			STRIPE_SECRET_KEY: "sk_test_bench_emulator",
			STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
			STRIPE_API_BASE: emulator.url,
		},
		extraArgs: ["--inspector-port", String(inspectorPort)],
		readyPath: "/healthz",
		logFile: join(tmp, "wrangler-profile.log"),
	});
	running.push(server);
	const { connections, requests } = PLAN.profile;
	const load = { url: server.url, connections, requests, maxSeconds: 60 };
	const webhookOrders = orders.slice(-requests);
	return profileRoutes({
		inspectorPort,
		bundleFile: join(profileSite, "build/index.js"),
		url: server.url,
		log,
		saveTo: (label) => join(tmp, `profile-${label.replace(/\W+/g, "-")}.cpuprofile`),
		targets: [
			{ label: "GET /healthz", load: { ...load, request: { method: "GET", path: "/healthz" } } },
			{
				label: "POST /create-checkout-session",
				load: {
					...load,
					request: {
						method: "POST",
						path: "/create-checkout-session",
						headers: { "Content-Type": "application/json" },
						body: JSON.stringify({ items: [{ productId: "espresso-beans", quantity: 1 }] }),
					},
				},
			},
			{
				label: "GET /api/products",
				load: { ...load, request: { method: "GET", path: "/api/products" } },
			},
			{
				label: "POST /webhook",
				load: { ...load, request: eventRequest(webhookOrders, WEBHOOK_SECRET, { count: 0 }) },
			},
		],
	});
}

try {
	// Preparation (nothing timed): builds, migrations, data, all at once.
	log(`[${elapsed()}] building bundles, applying migrations, writing pending orders`);
	if (needDatabase || only.has("size")) prepareSite();
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
		needDatabase ? prepareDatabases() : null,
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

	if (needServers) {
		servers = await startServers();
		const { main, baseline, emulator } = servers;
		log(
			`[${elapsed()}] worker at ${main.url} (workerd ${main.workerPid}), baseline at ${baseline.url} (workerd ${baseline.workerPid}), emulator at ${emulator.url}`,
		);
		if (only.has("webhook")) {
			const paid = orders.slice(0, ordersNeeded(webhookPlan));
			log(`[${elapsed()}] 1. webhook cost (${paid.length} pending orders)`);
			webhook = await measureWebhooks({
				plan: webhookPlan,
				main,
				baseline,
				secret: WEBHOOK_SECRET,
				orders: paid,
				log,
			});
		}
		if (only.has("checkout")) {
			log(`[${elapsed()}] 2. checkout creation`);
			checkout = await measureCheckout({
				plan: checkoutPlan,
				main,
				emulator,
				adminToken: ADMIN_TOKEN,
				log,
			});
		}
		await stopAll();
	}
	if (only.has("profile")) {
		log(`[${elapsed()}] where the CPU goes (a CPU profile of each hot path, unminified build)`);
		profiles = await runProfiles();
		await stopAll();
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
	if (!values.keep) rmSync(tmp, { recursive: true, force: true });
	else log(`kept ${tmp}`);
}

const mode = `${smoke ? "smoke (small sizes: figures are not meaningful)" : "full"}, runner ${runner}`;
const { figures, summary, output } = buildReport(
	{ webhook, checkout, sizes, growth, startup, profiles },
	{ growthPlan, mode, elapsed },
);
console.log([summary, ...output].join("\n"));
// Benchmarks print figures, they do not pass or fail on targets; but a run whose requests
// failed measured nothing, and CI (which runs --smoke) should say so.
const problems: string[] = [];
const loads: LoadSummary[] = [
	...(webhook?.levels.flatMap((l) => [l.healthz, l.webhook, l.baseline]) ?? []),
	...(checkout ? [checkout.products, checkout.checkout, checkout.limited] : []),
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
