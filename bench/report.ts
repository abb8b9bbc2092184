/**
 * The benchmark's report: each measure as a figure (value, baseline, ratio,
 * target), a table per section, and the summary of all figures.
 */
import type { LoadSummary } from "./lib/load.ts";
import { fmt, table } from "./lib/table.ts";
import type { CheckoutResult } from "./measures/checkout.ts";
import type { ConsumerResult } from "./measures/email-consumer.ts";
import type { FlashSaleResult } from "./measures/flash-sale.ts";
import type { GrowthPlan, GrowthResult } from "./measures/growth.ts";
import type { RouteProfile } from "./measures/profile.ts";
import type { RoundTrip } from "./measures/round-trips.ts";
import type { BundleSize } from "./measures/size.ts";
import type { StartupResult } from "./measures/startup.ts";
import type { WebhookLevel } from "./measures/webhook.ts";

export type Results = {
	webhook: { levels: WebhookLevel[]; exhausted: number } | null;
	checkout: CheckoutResult | null;
	consumer: ConsumerResult | null;
	flashSale: FlashSaleResult | null;
	roundTrips: RoundTrip[];
	sizes: BundleSize[];
	growth: GrowthResult | null;
	startup: StartupResult[];
	profiles: RouteProfile[];
};

/** Figures and tables of one run; `mode` and `elapsed` go into the summary's title. */
export function buildReport(
	results: Results,
	context: { growthPlan: GrowthPlan; mode: string; elapsed: () => string },
) {
	const { webhook, checkout, consumer, flashSale, roundTrips, sizes, growth, startup, profiles } =
		results;
	const { growthPlan, mode, elapsed } = context;

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

	/** Throughput (target: half the baseline's) and latency of a load run, beside its baseline's. */
	const loadFigures = (section: string, run: LoadSummary, base: LoadSummary, label: string) => {
		figure(
			section,
			"throughput",
			run.rps,
			"req/s",
			{ label, value: base.rps },
			{
				op: ">=",
				limit: 0.5,
				of: "ratio",
			},
		);
		figure(section, "latency p50", run.p50, "ms", { label, value: base.p50 });
		figure(section, "latency p99", run.p99, "ms", { label, value: base.p99 });
	};

	const output: string[] = [];

	if (webhook) {
		for (const level of webhook.levels) {
			const s = `1. webhook c=${level.connections}`;
			const { healthz, webhook: w, baseline: b } = level;
			loadFigures(s, w, healthz, "/healthz");
			const minimal = { label: "minimal worker", value: b.cpuMsPerRequest.worker ?? Number.NaN };
			figure(
				s,
				"CPU per request (workerd)",
				w.cpuMsPerRequest.worker ?? Number.NaN,
				"ms",
				minimal,
				{ op: "<=", limit: 1.5, of: "ratio" },
			);
			figure(
				s,
				"/healthz CPU per request",
				healthz.cpuMsPerRequest.worker ?? Number.NaN,
				"ms",
				minimal,
				{ op: "<=", limit: 1.2, of: "ratio" },
			);
			figure(
				s,
				"CPU per request vs the same round trips",
				w.cpuMsPerRequest.worker ?? Number.NaN,
				"ms",
				{
					label: "minimal worker, our round trips",
					value: level.sameIo.cpuMsPerRequest.worker ?? Number.NaN,
				},
			);
		}
		const rows: string[][] = [];
		for (const level of webhook.levels) {
			for (const r of [level.healthz, level.webhook, level.baseline, level.sameIo]) {
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
				"1. Webhook cost on local workerd (wrangler dev, local D1, no queue consumer: the request alone; rounds alternate the three targets)",
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

	if (consumer) {
		const s = `1b. e-mail consumer c=${consumer.connections}`;
		figure(s, "consumer CPU per e-mail", consumer.perEmailMs, "ms", {
			label: "the webhook that owes it",
			value: consumer.webhookAloneMs,
		});
		output.push(
			table(
				"1b. The e-mail queue consumer apart from the webhook (same events; one server without a consumer, one sending to the local mailbox)",
				[
					"c",
					"webhook alone CPU ms/req",
					"with consumer CPU ms/req",
					"consumer CPU ms/e-mail",
					"e-mails sent",
					"outbox emptied after (s)",
				],
				[
					[
						String(consumer.connections),
						fmt(consumer.webhookAloneMs),
						fmt(consumer.withConsumerMs),
						fmt(consumer.perEmailMs),
						String(consumer.emailsSent),
						consumer.drainSeconds.map((x) => x.toFixed(1)).join(" "),
					],
				],
			),
		);
	}

	if (checkout) {
		const { levels, stock, failures } = checkout;
		const cpu = (r: LoadSummary) => r.cpuMsPerRequest.worker ?? Number.NaN;
		const rows: string[][] = [];
		for (const level of levels) {
			const { products, checkout: c, limited } = level;
			const s = `2. checkout c=${level.connections}`;
			loadFigures(s, c, products, "/api/products");
			figure(s, "CPU per request (workerd)", cpu(c), "ms", {
				label: "/api/products",
				value: cpu(products),
			});
			// A refused checkout answers quickly: with any, the reservation's ratios would flatter it.
			if (failures.length === 0) {
				const label = "unlimited product";
				figure(s, "stock-limited: throughput", limited.rps, "req/s", { label, value: c.rps });
				figure(s, "stock-limited: CPU per request (workerd)", cpu(limited), "ms", {
					label,
					value: cpu(c),
				});
			}
			for (const r of [products, c, limited])
				rows.push([
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
				]);
		}
		output.push(
			table(
				"2. Checkout creation vs catalog, and a stock-limited product vs an unlimited one (emulator answering at once)",
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
				rows,
			),
			`stock of ${stock.productId}: ${stock.initial} → ${stock.after ?? "?"} after ${stock.sessions} sessions (warm-up included), ${stock.reserved ?? "?"} units held by pending orders`,
			...failures.map((f) => `FAILED (stock-limited figures not reported): ${f}`),
		);
	}

	if (flashSale) {
		const { plan, sale, unlimited, after, failures } = flashSale;
		const s = `2b. flash sale (${plan.shoppers} shoppers, ${plan.units} units)`;
		figure(s, "sold exactly the units, refused the rest", failures.length === 0 ? 1 : 0, "", null, {
			op: ">=",
			limit: 1,
			of: "value",
		});
		figure(s, "throughput", sale.rps, "req/s", {
			label: "unlimited product",
			value: unlimited.rps,
		});
		figure(s, "latency p99", sale.p99, "ms", { label: "unlimited product", value: unlimited.p99 });
		output.push(
			table(
				`2b. Flash sale: ${plan.shoppers} shoppers at once for the last ${plan.units} units of one product, ${plan.rounds} rounds (each a product of its own), beside the same load on an unlimited product`,
				["target", "responses", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "outcomes"],
				[sale, unlimited].map((r) => [
					r.label,
					String(r.completed),
					fmt(r.rps),
					fmt(r.p50),
					fmt(r.p99),
					fmt(r.cpuMsPerRequest.worker),
					Object.entries(r.outcomes)
						.map(([k, n]) => `${k} ${n}`)
						.join(", "),
				]),
			),
			`after each sale (stock, units held): ${after.map((a) => `${a.stock ?? "?"}, ${a.reserved}`).join("; ")}`,
			...failures.map((f) => `FAILED: ${f}`),
		);
	}

	if (roundTrips.length > 0) {
		output.push(
			table(
				"Round trips per operation (test/worker/round-trips.test.ts: D1 round trips, a batch as one; queue sends; Stripe calls from the emulator's log; held exactly by npm test)",
				["operation", "round trips", "held"],
				roundTrips.map((r) => [r.operation, r.figures, r.held ? "yes" : "NO"]),
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
			// Issue 26's budget for the worker with every coming feature (25's was 105 before them).
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
			table(
				"3b. What the worker's bundle is made of (wrangler --metafile; gzip shared out by raw bytes, an estimate)",
				["module", "raw KiB", "share", "≈ gzip KiB"],
				worker.modules.map((m) => [
					m.name,
					fmt(m.rawKiB, 1),
					`${((100 * m.rawKiB) / worker.rawKiB).toFixed(1)} %`,
					fmt(m.gzipKiB, 1),
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
		const [few, many] = [small, large].map((size) => g.exports.find((e) => e.size === size));
		if (few && many) {
			// Its memory must not grow with the count: a page of a hundred orders at a time.
			figure(
				"4. growth",
				`orders export (CSV): live memory @${large / 1000}k`,
				many.peakLiveMiB,
				"MiB",
				{ label: `@${small / 1000}k`, value: few.peakLiveMiB },
				{ op: "<=", limit: 2, of: "value" },
			);
			rows.push(
				...[few, many].map((e) => [
					`orders export: ${e.rows} rows, ${e.megabytes.toFixed(1)} MB`,
					"steady",
					"",
					"",
					`${Math.round(e.rows / e.seconds)} rows/s`,
					`${e.peakLiveMiB.toFixed(2)} MiB live`,
					"—",
				]),
			);
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
			.map(
				(p) => `  ${p.query} (${p.size} orders):\n${p.plan.map((l) => `      ${l}`).join("\n")}`,
			);
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
			{ op: "<=", limit: 1.3, of: "ratio" },
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

	if (profiles.length > 0) {
		const top = (list: RouteProfile["modules"], n: number) =>
			list
				.slice(0, n)
				.map((b) => `${b.name} ${(b.share * 100).toFixed(0)}%`)
				.join(", ");
		output.push(
			table(
				"Where the time goes (the worker's isolate sampled every 200 µs, unminified build; busy wall time, not CPU; local D1 not included)",
				["path", "requests", "busy ms/req", "largest modules (share of sampled time)"],
				profiles.map((p) => [
					p.label,
					String(p.requests),
					fmt(p.activeMsPerRequest, 2),
					top(p.modules, 6),
				]),
			),
			table(
				"Largest functions per path (self time)",
				["path", "functions"],
				profiles.map((p) => [p.label, top(p.functions, 6)]),
			),
			table(
				"Our code per path: each sample charged to the nearest function of src/ on its stack",
				["path", "functions of ours, with the library work they ask for"],
				profiles.map((p) => [p.label, top(p.ours, 8)]),
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

	return { figures, summary, output };
}
