/**
 * One bounded load run with autocannon (loopback only): a fixed number of
 * requests, stopped early at a time limit, with the CPU time of the server's
 * processes read from /proc before and after.
 */
import autocannon, { type Request } from "autocannon";
import { cpuMs } from "./proc.ts";

export type LoadSpec = {
	/** Name shown in the tables. */
	label: string;
	url: string;
	connections: number;
	requests: number;
	maxSeconds: number;
	/** One request definition (static, or with `setupRequest` for a distinct body each time). */
	request: Request;
	/** Processes whose CPU time is charged to this run (asked before each run): `{ worker: pid, … }`. */
	cpuOf: () => Record<string, number | null>;
	/** Names the outcome of a response from its body (counted in `outcomes`). */
	classify?: (status: number, body: string) => string;
};

export type LoadRun = {
	label: string;
	connections: number;
	/** Responses received. */
	completed: number;
	ok: number;
	statuses: Record<string, number>;
	errors: number;
	seconds: number;
	timeLimited: boolean;
	/** Latencies of every response, ms (float). */
	latencies: number[];
	/** CPU milliseconds per process over the run. */
	cpuMs: Record<string, number>;
	outcomes: Record<string, number>;
};

export async function runLoad(spec: LoadSpec): Promise<LoadRun> {
	const latencies: number[] = [];
	const statuses: Record<string, number> = {};
	const outcomes: Record<string, number> = {};
	const classify = spec.classify;
	const request = classify
		? {
				...spec.request,
				onResponse: (status: number, body: string) => {
					const outcome = classify(status, body);
					outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
				},
			}
		: spec.request;
	const before: Record<string, number> = {};
	const pids = spec.cpuOf();
	for (const [name, pid] of Object.entries(pids)) if (pid) before[name] = cpuMs(pid);
	const started = performance.now();
	const instance = autocannon({
		url: spec.url,
		connections: spec.connections,
		amount: spec.requests,
		timeout: 30,
		pipelining: 1,
		sampleInt: 20,
		requests: [request],
		skipAggregateResult: true,
	});
	let last = started;
	instance.on("response", (_client, statusCode, _bytes, ms) => {
		last = performance.now();
		latencies.push(ms);
		statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
	});
	let timeLimited = false;
	const timer = setTimeout(() => {
		timeLimited = true;
		instance.stop();
	}, spec.maxSeconds * 1000);
	const result = await instance;
	clearTimeout(timer);
	// autocannon notices the end on its next sample tick: time the run up to its last response.
	const seconds = (last - started) / 1000;
	const used: Record<string, number> = {};
	// NaN when a process was replaced during the run: its CPU time is unknown, not zero.
	for (const [name, pid] of Object.entries(pids))
		if (pid) used[name] = cpuMs(pid) - (before[name] ?? Number.NaN);
	const ok = Object.entries(statuses)
		.filter(([code]) => code.startsWith("2"))
		.reduce((sum, [, n]) => sum + n, 0);
	return {
		label: spec.label,
		connections: spec.connections,
		completed: latencies.length,
		ok,
		statuses,
		errors: result.errors,
		seconds,
		timeLimited,
		latencies,
		cpuMs: used,
		outcomes,
	};
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank] as number;
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return Number.NaN;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2
		? (sorted[mid] as number)
		: ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export type LoadSummary = {
	label: string;
	connections: number;
	rounds: number;
	completed: number;
	ok: number;
	statuses: Record<string, number>;
	outcomes: Record<string, number>;
	errors: number;
	timeLimited: boolean;
	seconds: number;
	/** Responses per second over all rounds (all responses / all run time). */
	rps: number;
	p50: number;
	p99: number;
	/** CPU ms per completed request, per process. */
	cpuMsPerRequest: Record<string, number>;
};

/** Pools the rounds of one measure: throughput over the summed time, percentiles over all latencies. */
export function summarize(runs: LoadRun[]): LoadSummary {
	const first = runs[0] as LoadRun;
	const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
	const completed = runs.reduce((s, r) => s + r.completed, 0);
	const seconds = runs.reduce((s, r) => s + r.seconds, 0);
	const statuses: Record<string, number> = {};
	const outcomes: Record<string, number> = {};
	const cpu: Record<string, number> = {};
	for (const run of runs) {
		for (const [k, n] of Object.entries(run.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + n;
		for (const [code, n] of Object.entries(run.statuses))
			statuses[code] = (statuses[code] ?? 0) + n;
		for (const [name, ms] of Object.entries(run.cpuMs)) cpu[name] = (cpu[name] ?? 0) + ms;
	}
	const cpuMsPerRequest: Record<string, number> = {};
	for (const [name, ms] of Object.entries(cpu))
		cpuMsPerRequest[name] = completed ? ms / completed : Number.NaN;
	return {
		label: first.label,
		connections: first.connections,
		rounds: runs.length,
		completed,
		ok: runs.reduce((s, r) => s + r.ok, 0),
		statuses,
		outcomes,
		errors: runs.reduce((s, r) => s + r.errors, 0),
		timeLimited: runs.some((r) => r.timeLimited),
		seconds,
		rps: seconds ? completed / seconds : Number.NaN,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		cpuMsPerRequest,
	};
}

/**
 * The targets of one round, starting one further along each round, so that no
 * target always runs first (or last) while the machine warms up or gets busy.
 */
export function inRotation<T>(steps: readonly T[], round: number): T[] {
	return steps.map((_, i) => steps[(i + round) % steps.length] as T);
}
