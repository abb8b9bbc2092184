/**
 * Round trips, counted where they leave the worker: a D1 binding whose every
 * statement run (`first`, `all`, `run`, `raw`, `exec`) and every `batch`
 * counts one, a queue whose every `send`/`sendBatch` counts one, and Stripe's
 * requests as the emulator recorded them.
 */
import { env } from "cloudflare:workers";
import { app } from "../../../src/index.ts";
import { emulator } from "./emulator.ts";

export type Counts = { d1: number; queue: number };

const RUNS = new Set(["first", "all", "run", "raw"]);

/** A D1 binding counting its round trips into `counts`. */
function countingD1(real: D1Database, counts: Counts): D1Database {
	const unwrap = new WeakMap<object, D1PreparedStatement>();
	const statement = (stmt: D1PreparedStatement): D1PreparedStatement => {
		const wrapped = new Proxy(stmt, {
			get(target, key) {
				const value = Reflect.get(target, key, target);
				if (typeof value !== "function") return value;
				if (key === "bind")
					return (...args: unknown[]) =>
						statement((value as D1PreparedStatement["bind"]).apply(target, args));
				if (typeof key === "string" && RUNS.has(key))
					return (...args: unknown[]) => {
						counts.d1++;
						return (value as (...a: unknown[]) => unknown).apply(target, args);
					};
				return value.bind(target);
			},
		});
		unwrap.set(wrapped, stmt);
		return wrapped;
	};
	return new Proxy(real, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (typeof value !== "function") return value;
			if (key === "prepare") return (query: string) => statement(target.prepare(query));
			if (key === "batch")
				return (statements: D1PreparedStatement[]) => {
					counts.d1++;
					return target.batch(statements.map((s) => unwrap.get(s) ?? s));
				};
			if (key === "exec")
				return (query: string) => {
					counts.d1++;
					return target.exec(query);
				};
			return value.bind(target);
		},
	});
}

function countingQueue<T>(real: Queue<T>, counts: Counts): Queue<T> {
	return new Proxy(real, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (typeof value !== "function") return value;
			if (key === "send" || key === "sendBatch")
				return (...args: unknown[]) => {
					counts.queue++;
					return (value as (...a: unknown[]) => unknown).apply(target, args);
				};
			return value.bind(target);
		},
	});
}

/**
 * Bindings like the test's, whose D1 and e-mail queue count round trips. One
 * object for the whole test: like a real isolate's `env`, its settings are
 * parsed once (the counts are of requests, not of an isolate starting).
 */
export function countingBindings(overrides: Record<string, unknown> = {}) {
	const counts: Counts = { d1: 0, queue: 0 };
	const bindings = {
		...env,
		...overrides,
		DB: countingD1(env.DB, counts),
		EMAIL_QUEUE: countingQueue(env.EMAIL_QUEUE, counts),
	} as typeof env;
	return {
		bindings,
		/** Runs `work` and answers the round trips it made (its deferred work included). */
		async count<T>(work: (call: (request: Request) => Promise<Response>) => Promise<T>) {
			const waits: Promise<unknown>[] = [];
			const ctx = {
				waitUntil: (p: Promise<unknown>) => waits.push(p),
				passThroughOnException: () => {},
				props: {},
			} as unknown as ExecutionContext;
			// A warm isolate keeps the shop's identity (read once, kept 30 s: services/shop/identity.ts);
			// each count starts from one, so the figures are the operation's own.
			await app.fetch(new Request("https://shop.test/api/shop"), bindings, ctx);
			const before = { ...counts };
			const result = await work(async (request) => app.fetch(request, bindings, ctx));
			await Promise.allSettled(waits);
			return { result, d1: counts.d1 - before.d1, queue: counts.queue - before.queue };
		},
	};
}

/** Stripe requests the emulator answered that name any of `ids` (in their path or parameters). */
export async function stripeCallsAbout(ids: string[]): Promise<number> {
	const recorded = await emulator.requests("/v1/");
	return recorded.filter((r) => {
		const text = JSON.stringify([r.path, r.params, r.query]);
		return ids.some((id) => text.includes(id));
	}).length;
}
