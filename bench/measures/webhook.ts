/**
 * Measure 1: webhook cost on local workerd. Distinct signed
 * `checkout.session.completed` events for pending orders, against the same
 * server's `GET /healthz` and against the baseline worker receiving the very
 * same events (verify + upsert one row; and verify + our webhook's round trips
 * with nothing around them); rounds alternate the four.
 */
import type { Request } from "autocannon";
import { inRotation, type LoadRun, type LoadSummary, runLoad, summarize } from "../lib/load.ts";
import type { DevServer } from "../lib/proc.ts";
import { type BenchOrder, completedEventPayload, signatureHeader } from "../lib/stripe-events.ts";

export type WebhookPlan = {
	concurrencies: number[];
	rounds: number;
	requests: number;
	warmup: number;
	maxSeconds: number;
};

/** Orders the plan consumes: every webhook request pays one order. */
export function ordersNeeded(plan: WebhookPlan): number {
	return plan.concurrencies.length * (plan.warmup + plan.rounds * plan.requests);
}

export type WebhookLevel = {
	connections: number;
	healthz: LoadSummary;
	webhook: LoadSummary;
	baseline: LoadSummary;
	/** The minimal worker making our webhook's round trips (`POST /same-io`). */
	sameIo: LoadSummary;
};

/** A queue of events for some orders; each request takes the next one and signs it at build time. */
export function eventRequest(
	orders: BenchOrder[],
	secret: string,
	exhausted: { count: number },
): Request {
	const created = Math.floor(Date.now() / 1000);
	const payloads = orders.map((o) => completedEventPayload(o, created));
	let next = 0;
	return {
		method: "POST",
		path: "/webhook",
		setupRequest: (request) => {
			if (next >= payloads.length) exhausted.count++;
			const body = payloads[Math.min(next++, payloads.length - 1)] as string;
			const t = Math.floor(Date.now() / 1000);
			return {
				...request,
				headers: {
					"Content-Type": "application/json; charset=utf-8",
					"User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
					"Stripe-Signature": signatureHeader(body, secret, t),
				},
				body,
			};
		},
	};
}

const webhookOutcome = (status: number, body: string) =>
	status === 200 ? (/"result":"(\w+)"/.exec(body)?.[1] ?? "ok") : `http_${status}`;

export async function measureWebhooks(options: {
	plan: WebhookPlan;
	main: DevServer;
	baseline: DevServer;
	secret: string;
	orders: BenchOrder[];
	log: (line: string) => void;
}): Promise<{ levels: WebhookLevel[]; exhausted: number }> {
	const { plan, main, baseline, secret } = options;
	let cursor = 0;
	const take = (n: number) => {
		const slice = options.orders.slice(cursor, cursor + n);
		cursor += n;
		if (slice.length < n) throw new Error("not enough pending orders were prepared");
		return slice;
	};
	const exhausted = { count: 0 };
	const levels: WebhookLevel[] = [];
	for (const c of plan.concurrencies) {
		const cpuMain = () => main.pids();
		const cpuBase = () => baseline.pids();
		const healthz = (requests: number): Promise<LoadRun> =>
			runLoad({
				label: "GET /healthz",
				url: main.url,
				connections: c,
				requests,
				maxSeconds: plan.maxSeconds,
				request: { method: "GET", path: "/healthz" },
				cpuOf: cpuMain,
			});
		const webhook = (orders: BenchOrder[]): Promise<LoadRun> =>
			runLoad({
				label: "POST /webhook (worker)",
				url: main.url,
				connections: c,
				requests: orders.length,
				maxSeconds: plan.maxSeconds,
				request: eventRequest(orders, secret, exhausted),
				cpuOf: cpuMain,
				classify: webhookOutcome,
			});
		const base = (orders: BenchOrder[]): Promise<LoadRun> =>
			runLoad({
				label: "POST / (baseline worker)",
				url: baseline.url,
				connections: c,
				requests: orders.length,
				maxSeconds: plan.maxSeconds,
				request: { ...eventRequest(orders, secret, exhausted), path: "/" },
				cpuOf: cpuBase,
				classify: (status) => `http_${status}`,
			});

		const sameIo = (orders: BenchOrder[]): Promise<LoadRun> =>
			runLoad({
				label: "POST /same-io (minimal worker, our round trips)",
				url: baseline.url,
				connections: c,
				requests: orders.length,
				maxSeconds: plan.maxSeconds,
				request: { ...eventRequest(orders, secret, exhausted), path: "/same-io" },
				cpuOf: cpuBase,
				classify: (status) => `http_${status}`,
			});

		// Warm-up (not measured): JIT, D1 pages, connection pools.
		if (plan.warmup > 0) {
			const warm = take(plan.warmup);
			await healthz(plan.warmup);
			await webhook(warm);
			await base(warm);
			await sameIo(warm);
		}
		const runs: Record<"healthz" | "webhook" | "baseline" | "sameIo", LoadRun[]> = {
			healthz: [],
			webhook: [],
			baseline: [],
			sameIo: [],
		};
		for (let round = 0; round < plan.rounds; round++) {
			const orders = take(plan.requests);
			const steps: [keyof typeof runs, () => Promise<LoadRun>][] = [
				["healthz", () => healthz(plan.requests)],
				["webhook", () => webhook(orders)],
				["baseline", () => base(orders)],
				["sameIo", () => sameIo(orders)],
			];
			for (const [name, run] of inRotation(steps, round)) {
				const result = await run();
				runs[name].push(result);
				options.log(
					`  c=${c} round ${round + 1}/${plan.rounds} ${result.label}: ${result.completed} in ${result.seconds.toFixed(2)} s` +
						(result.timeLimited ? " (time limit)" : ""),
				);
			}
		}
		levels.push({
			connections: c,
			healthz: summarize(runs.healthz),
			webhook: summarize(runs.webhook),
			baseline: summarize(runs.baseline),
			sameIo: summarize(runs.sameIo),
		});
	}
	return { levels, exhausted: exhausted.count };
}
