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
	ROOT,
	startEmulatorProcess,
	startWranglerDevForBench,
	wrangler,
} from "./lib/proc.ts";
import { makeOrders, ordersSql } from "./lib/stripe-events.ts";
import { fmt, table } from "./lib/table.ts";
import { type CheckoutPlan, type CheckoutResult, measureCheckout } from "./measures/checkout.ts";
import {
	type GrowthPlan,
	type GrowthResult,
	measureGrowth,
	prepareGrowthTemplate,
} from "./measures/growth.ts";
import { type BundleSize, measureBundle, SIZE_TARGETS } from "./measures/size.ts";
import { measureStartup, type StartupResult } from "./measures/startup.ts";
import {
	measureWebhooks,
	ordersNeeded,
	type WebhookLevel,
	type WebhookPlan,
} from "./measures/webhook.ts";

const SECTIONS = ["webhook", "checkout", "size", "growth", "startup"] as const;
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
			startupRuns: 1,
		}
	: {
			webhook: { concurrencies: [1, 8, 32], rounds: 3, requests: 800, warmup: 50, maxSeconds: 60 },
			checkout: { connections: 8, rounds: 3, requests: 600, warmup: 40, maxSeconds: 60 },
			growth: { sizes: [1_000, 100_000], samples: 300, batch: 50 },
			startupRuns: 5,
		};
const webhookPlan: WebhookPlan = PLAN.webhook;
const checkoutPlan: CheckoutPlan = PLAN.checkout;
const growthPlan = PLAN.growth as GrowthPlan;

const WEBHOOK_SECRET = "whsec_bench_local_only_signing_secret";
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
let servers: { main: DevServer; baseline: DevServer; emulator: Emulator } | null = null;

const needServers = only.has("webhook") || only.has("checkout");
const site = join(tmp, "site");
const siteConfig = join(site, "wrangler.toml");
const mainState = join(tmp, "main-state");
const baselineState = join(tmp, "baseline-state");
const baselineConfig = join(ROOT, "bench/baseline-worker/wrangler.toml");
const growthTemplate = join(tmp, "growth-template");
const orders = only.has("webhook") ? makeOrders(ordersNeeded(webhookPlan)) : [];

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

try {
	// Preparation (nothing timed): builds, migrations, data, all at once.
	log(`[${elapsed()}] building bundles, applying migrations, writing pending orders`);
	if (needServers || only.has("size")) prepareSite();
	await Promise.all([
		// The worker's bundle (the first target) is also what the servers run.
		needServers || only.has("size")
			? Promise.all(
					(only.has("size") ? SIZE_TARGETS : SIZE_TARGETS.slice(0, 1)).map((target, i) =>
						measureBundle(target, i === 0 ? join(site, "build") : join(tmp, `size-${i}`)),
					),
				).then((r) => {
					if (only.has("size")) sizes = r;
				})
			: null,
		needServers ? prepareDatabases() : null,
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
			log(`[${elapsed()}] 1. webhook cost (${orders.length} pending orders)`);
			webhook = await measureWebhooks({
				plan: webhookPlan,
				main,
				baseline,
				secret: WEBHOOK_SECRET,
				orders,
				log,
			});
		}
		if (only.has("checkout")) {
			log(`[${elapsed()}] 2. checkout creation`);
			checkout = await measureCheckout({ plan: checkoutPlan, main, emulator, log });
		}
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

// ---------------------------------------------------------------- report

type Figure = {
	section: string;
	measure: string;
	value: number;
	unit: string;
	baseline: string | null;
	baselineValue: number | null;
	ratio: number | null;
	target: string | null;
	pass: boolean | null;
};
const figures: Figure[] = [];
const figure = (
	section: string,
	measure: string,
	value: number,
	unit: string,
	baseline: { label: string; value: number } | null = null,
	target: { op: ">=" | "<="; limit: number; of: "ratio" | "value" } | null = null,
) => {
	const ratio = baseline ? value / baseline.value : null;
	const subject = target?.of === "value" ? value : ratio;
	const pass =
		target && subject !== null && Number.isFinite(subject)
			? target.op === ">="
				? subject >= target.limit
				: subject <= target.limit
			: null;
	figures.push({
		section,
		measure,
		value,
		unit,
		baseline: baseline?.label ?? null,
		baselineValue: baseline?.value ?? null,
		ratio,
		target: target
			? `${target.of === "ratio" ? "ratio" : "value"} ${target.op === ">=" ? "≥" : "≤"} ${target.limit}${target.of === "value" ? ` ${unit}` : ""}`
			: null,
		pass,
	});
};

const output: string[] = [];
const mode = `${smoke ? "smoke (small sizes: figures are not meaningful)" : "full"}, runner ${runner}`;

if (webhook) {
	for (const level of webhook.levels) {
		const s = `1. webhook c=${level.connections}`;
		const { healthz, webhook: w, baseline: b } = level;
		figure(
			s,
			"throughput",
			w.rps,
			"req/s",
			{ label: "/healthz", value: healthz.rps },
			{
				op: ">=",
				limit: 0.5,
				of: "ratio",
			},
		);
		figure(s, "latency p50", w.p50, "ms", { label: "/healthz", value: healthz.p50 });
		figure(s, "latency p99", w.p99, "ms", { label: "/healthz", value: healthz.p99 });
		figure(
			s,
			"CPU per request (workerd)",
			w.cpuMsPerRequest.worker ?? Number.NaN,
			"ms",
			{ label: "baseline worker", value: b.cpuMsPerRequest.worker ?? Number.NaN },
			{ op: "<=", limit: 1, of: "ratio" },
		);
	}
	const rows: string[][] = [];
	for (const level of webhook.levels) {
		for (const r of [level.healthz, level.webhook, level.baseline] as LoadSummary[]) {
			rows.push([
				String(level.connections),
				r.label,
				`${r.ok}/${r.completed}${r.timeLimited ? " (time limit)" : ""}`,
				fmt(r.rps),
				fmt(r.p50),
				fmt(r.p99),
				fmt(r.cpuMsPerRequest.worker),
				fmt(r.cpuMsPerRequest.proxy),
				Object.entries(Object.keys(r.outcomes).length ? r.outcomes : r.statuses)
					.map(([k, n]) => `${k} ${n}`)
					.join(", "),
			]);
		}
	}
	output.push(
		table(
			"1. Webhook cost on local workerd (wrangler dev, local D1; rounds alternate the three targets)",
			[
				"c",
				"target",
				"2xx/responses",
				"req/s",
				"p50 ms",
				"p99 ms",
				"CPU ms/req",
				"dev-proxy CPU ms/req",
				"outcomes",
			],
			rows,
		),
	);
}

if (checkout) {
	const { products, checkout: c } = checkout;
	const s = `2. checkout c=${c.connections}`;
	figure(
		s,
		"throughput",
		c.rps,
		"req/s",
		{ label: "/api/products", value: products.rps },
		{
			op: ">=",
			limit: 0.5,
			of: "ratio",
		},
	);
	figure(s, "latency p50", c.p50, "ms", { label: "/api/products", value: products.p50 });
	figure(s, "latency p99", c.p99, "ms", { label: "/api/products", value: products.p99 });
	figure(s, "CPU per request (workerd)", c.cpuMsPerRequest.worker ?? Number.NaN, "ms", {
		label: "/api/products",
		value: products.cpuMsPerRequest.worker ?? Number.NaN,
	});
	output.push(
		table(
			"2. Checkout creation vs catalog (emulator answering at once)",
			[
				"c",
				"target",
				"2xx/responses",
				"req/s",
				"p50 ms",
				"p99 ms",
				"CPU ms/req",
				"dev-proxy CPU ms/req",
				"emulator CPU ms/req",
				"outcomes",
			],
			[products, c].map((r) => [
				String(r.connections),
				r.label,
				`${r.ok}/${r.completed}${r.timeLimited ? " (time limit)" : ""}`,
				fmt(r.rps),
				fmt(r.p50),
				fmt(r.p99),
				fmt(r.cpuMsPerRequest.worker),
				fmt(r.cpuMsPerRequest.proxy),
				fmt(r.cpuMsPerRequest.emulator),
				Object.entries(Object.keys(r.outcomes).length ? r.outcomes : r.statuses)
					.map(([k, n]) => `${k} ${n}`)
					.join(", "),
			]),
		),
	);
}

if (sizes.length > 0) {
	const worker = sizes[0] as BundleSize;
	const honoStripe = sizes.find((x) => x.label === "Hono + stripe");
	figure(
		"3. bundle",
		"worker gzip",
		worker.wranglerGzipKiB,
		"KiB",
		honoStripe ? { label: "Hono + stripe", value: honoStripe.wranglerGzipKiB } : null,
		{ op: "<=", limit: 115, of: "value" },
	);
	figure(
		"3. bundle",
		"worker raw",
		worker.wranglerKiB,
		"KiB",
		honoStripe ? { label: "Hono + stripe", value: honoStripe.wranglerKiB } : null,
	);
	output.push(
		table(
			"3. Bundle size (wrangler deploy --dry-run --outdir; KiB as wrangler prints them)",
			["bundle", "raw KiB", "gzip KiB", "gzip KiB (zlib here)"],
			sizes.map((x) => [
				x.label,
				fmt(x.wranglerKiB, 1),
				fmt(x.wranglerGzipKiB, 1),
				fmt(x.gzipKiB, 1),
			]),
		),
	);
}

if (growth) {
	const g = growth;
	const [small, large] = growthPlan.sizes;
	const rows: string[][] = [];
	/** A query's timings on the small and the large database of one data set. */
	const pairOf = (query: string, dataset: string) => {
		const at = (size: number) =>
			g.timings.find((t) => t.query === query && t.dataset === dataset && t.size === size);
		const a = at(small);
		const b = at(large);
		return a && b ? { a, b } : null;
	};
	// The summary reports each query's worst data set (the largest growth), not the easy one.
	const worst = new Map<string, { dataset: string; ratio: number }>();
	for (const dataset of ["steady", "stale-failed"] as const) {
		for (const query of Object.keys(g.sql)) {
			const pair = pairOf(query, dataset);
			if (!pair) continue;
			const ratio = pair.b.medianUs / pair.a.medianUs;
			if (ratio > (worst.get(query)?.ratio ?? -1)) worst.set(query, { dataset, ratio });
		}
	}
	for (const dataset of ["steady", "stale-failed"] as const) {
		for (const query of Object.keys(g.sql)) {
			const pair = pairOf(query, dataset);
			if (!pair) continue;
			const { a, b } = pair;
			const plan = g.plans.find((p) => p.query === query && p.dataset === dataset);
			if (worst.get(query)?.dataset === dataset) {
				figure(
					"4. growth",
					`${query} @${large / 1000}k (${dataset})`,
					b.medianUs,
					"µs",
					{ label: `@${small / 1000}k`, value: a.medianUs },
					{ op: "<=", limit: 1.5, of: "ratio" },
				);
			}
			rows.push([
				query,
				dataset,
				fmt(a.medianUs),
				fmt(b.medianUs),
				fmt(b.medianUs / a.medianUs, 2),
				String(b.rows),
				plan ? (plan.usesIndex ? plan.indexes.join(", ") : "NO (full scan)") : "—",
			]);
		}
	}
	output.push(
		table(
			`4. Growth: median µs per query on local D1 (SQLite) files, ${small} vs ${large} orders; open orders ${Object.entries(
				g.openOrders,
			)
				.map(([k, n]) => `${k}: ${n}`)
				.join(", ")}`,
			[
				"query",
				"data set",
				`${small / 1000}k µs`,
				`${large / 1000}k µs`,
				"ratio",
				"rows",
				"index used",
			],
			rows,
		),
	);
	const plans = g.plans
		.filter((p) => p.dataset === "steady")
		.map((p) => `  ${p.query} (${p.size} orders):\n${p.plan.map((l) => `      ${l}`).join("\n")}`);
	output.push(
		`\nEXPLAIN QUERY PLAN (the worker's SQL, captured from src/services):\n${plans.join("\n")}`,
	);
}

if (startup.length > 0) {
	const worker = startup[0] as StartupResult;
	const base = startup[1];
	figure(
		"5. startup",
		"startup CPU (active)",
		worker.medianActiveMs,
		"ms",
		base ? { label: base.label, value: base.medianActiveMs } : null,
	);
	output.push(
		table(
			"5. Startup (wrangler check startup: active CPU time in the profile, median of runs)",
			["worker", "median active ms", "runs (active ms)", "samples", "bundle gzip KiB"],
			startup.map((r) => [
				r.label,
				fmt(r.medianActiveMs, 1),
				r.runs.map((x) => x.activeMs.toFixed(1)).join(" "),
				r.runs.map((x) => x.samples).join(" "),
				fmt(r.runs[0]?.bundleGzipKiB ?? null, 1),
			]),
		),
	);
}

const summary = table(
	`Summary (${mode}; ${new Date().toISOString()}; ${elapsed()})`,
	["section", "measure", "value", "baseline", "ratio", "target", "result"],
	figures.map((f) => [
		f.section,
		f.measure,
		`${fmt(f.value)} ${f.unit}`,
		f.baseline ? `${fmt(f.baselineValue)} ${f.unit} (${f.baseline})` : "—",
		f.ratio === null ? "—" : fmt(f.ratio, 2),
		f.target ?? "—",
		f.pass === null ? "—" : f.pass ? "pass" : "MISS",
	]),
);
console.log([summary, ...output].join("\n"));
// Benchmarks print figures, they do not pass or fail on targets; but a run whose requests
// failed measured nothing, and CI (which runs --smoke) should say so.
const problems: string[] = [];
const loads: LoadSummary[] = [
	...(webhook?.levels.flatMap((l) => [l.healthz, l.webhook, l.baseline]) ?? []),
	...(checkout ? [checkout.products, checkout.checkout] : []),
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
