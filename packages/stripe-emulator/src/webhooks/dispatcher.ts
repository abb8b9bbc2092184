import { setTimeout as sleep } from "node:timers/promises";
import type { JsonObject } from "../state/json.ts";
import { postEvent } from "./post.ts";
import type { DeliveryLogEntry, WebhookConfig, WebhookTarget } from "./types.ts";

type Job = { event: JsonObject; target: WebhookTarget };

/** How the next events are to be delivered: in another order and/or each twice. */
export type EventBatchOptions = {
	/** How many events (emitted from now on) the batch takes. */
	count: number;
	/** `fifo` (emission order), `reverse` (newest first) or `shuffle` (a random order, never the emission order for two or more). */
	order: "fifo" | "reverse" | "shuffle";
	/** Deliver each event twice (the copies one after the other). */
	duplicate: boolean;
	/** Makes `shuffle` repeatable. */
	seed?: number;
};

type Batch = EventBatchOptions & { remaining: number; events: Job[][] };

type DispatcherOptions = {
	config: WebhookConfig;
	retryBaseMs: number;
	/** Registered endpoints that want this event type. */
	endpointsFor: (eventType: string) => WebhookTarget[];
	/** Called once per event and receiver on the first 2xx, to count down `pending_webhooks`. */
	onDelivered: (eventId: string) => void;
	log: (line: string) => void;
};

const MAX_ATTEMPTS = 5;

/**
 * Delivers events like Stripe: signed, asynchronously, first attempts in emission order per
 * receiver, failed attempts retried with exponential backoff outside that order.
 */
export class WebhookDispatcher {
	#options: DispatcherOptions;
	#config: WebhookConfig;
	#held: Job[] = [];
	#batch: Batch | null = null;
	#chains = new Map<string, Promise<void>>();
	#pending = new Set<symbol>();
	#idleWaiters: (() => void)[] = [];
	#timers = new Set<NodeJS.Timeout>();
	#delivered = new Set<string>();
	#deliveries: DeliveryLogEntry[] = [];
	#generation = 0;
	#abort = new AbortController();

	constructor(options: DispatcherOptions) {
		this.#options = options;
		this.#config = { ...options.config };
	}

	/** The current delivery settings. */
	config(): WebhookConfig {
		return { ...this.#config };
	}

	/** Changes delivery settings; events already held stay held until flushed. */
	configure(change: Partial<WebhookConfig>): WebhookConfig {
		this.#config = { ...this.#config, ...change };
		return this.config();
	}

	/** Receivers of an event type, for `pending_webhooks` and delivery. */
	targetsFor(eventType: string): WebhookTarget[] {
		const { events } = this.#config;
		const forward = events && !events.includes(eventType) ? null : this.#config.url;
		const targets: WebhookTarget[] = forward
			? [{ url: forward, secret: this.#config.secret, endpointId: null }]
			: [];
		// The forward target wins over an endpoint registered for the same URL: one delivery each.
		for (const target of this.#options.endpointsFor(eventType)) {
			if (target.url !== forward) targets.push(target);
		}
		return targets;
	}

	/**
	 * Holds the next `count` events (whatever the mode) and, once the last of them is emitted,
	 * delivers them together in `order`, each twice with `duplicate`. A batch already waiting
	 * is delivered first, as it is.
	 */
	async arrangeNext(options: EventBatchOptions): Promise<void> {
		if (this.#batch) await this.#releaseBatch();
		this.#batch = { ...options, remaining: options.count, events: [] };
	}

	/** The batch waiting for its events, if any. */
	pendingBatch(): { count: number; remaining: number; order: string; duplicate: boolean } | null {
		const batch = this.#batch;
		if (!batch) return null;
		const { count, remaining, order, duplicate } = batch;
		return { count, remaining, order, duplicate };
	}

	/** Hands a new event to its receivers according to the mode; never waits for them. */
	dispatch(event: JsonObject): void {
		const type = String(event.type);
		this.#options.log(`--> ${type} [${String(event.id)}]`);
		const batch = this.#batch;
		if (batch) {
			const jobs = this.targetsFor(type).map((target) => ({ event, target }));
			for (const job of jobs) this.#record(job, 0, null, null, "held", 0);
			batch.events.push(jobs);
			batch.remaining -= 1;
			if (batch.remaining <= 0) void this.#releaseBatch();
			return;
		}
		for (const target of this.targetsFor(type)) {
			const job = { event, target };
			const { mode } = this.#config;
			if (mode === "drop") this.#record(job, 0, null, null, "dropped", 0);
			else if (mode === "hold" || mode === "reverse") {
				this.#held.push(job);
				this.#record(job, 0, null, null, "held", 0);
			} else {
				void this.#enqueue(job);
				if (mode === "duplicate") void this.#enqueue(job);
			}
		}
	}

	/**
	 * Delivers held events (reverse mode defaults to newest first), and a batch still waiting
	 * for its events, in its order; resolves after first attempts.
	 */
	async flush(order?: "fifo" | "reverse"): Promise<number> {
		const batched = this.#batch ? await this.#releaseBatch() : 0;
		const jobs = this.#held.splice(0);
		const reverse = (order ?? (this.#config.mode === "reverse" ? "reverse" : "fifo")) === "reverse";
		if (reverse) jobs.reverse();
		await Promise.all(jobs.map((job) => this.#enqueue(job)));
		return batched + jobs.length;
	}

	// Delivers a batch's events in its order (each twice when asked); answers the deliveries queued.
	async #releaseBatch(): Promise<number> {
		const batch = this.#batch;
		if (!batch) return 0;
		this.#batch = null;
		const events = arrange(batch.events, batch.order, batch.seed);
		const runs: Promise<void>[] = [];
		for (const jobs of events) {
			for (const job of jobs) {
				runs.push(this.#enqueue(job));
				if (batch.duplicate) runs.push(this.#enqueue(job));
			}
		}
		await Promise.all(runs);
		return runs.length;
	}

	/** Redelivers one event to every receiver now, outside the queue and without retries. */
	async deliverNow(event: JsonObject): Promise<DeliveryLogEntry[]> {
		const targets = this.targetsFor(String(event.type));
		return Promise.all(targets.map((target) => this.#attempt({ event, target }, 1, "manual")));
	}

	/** Resolves once nothing is queued, in flight or waiting for a retry (held events excepted). */
	drain(): Promise<void> {
		if (this.#pending.size === 0) return Promise.resolve();
		return new Promise((resolve) => this.#idleWaiters.push(resolve));
	}

	/** Every attempt so far, oldest first. */
	deliveries(): DeliveryLogEntry[] {
		return [...this.#deliveries];
	}

	/** How many deliveries wait for a flush (held, or in a batch not yet complete). */
	heldCount(): number {
		const batched = this.#batch?.events.reduce((sum, jobs) => sum + jobs.length, 0) ?? 0;
		return this.#held.length + batched;
	}

	/** Forgets queued work and logs and goes back to the starting settings. */
	reset(): void {
		this.#generation++;
		this.#clearTimers();
		this.#held = [];
		this.#batch = null;
		this.#chains.clear();
		this.#deliveries = [];
		this.#delivered.clear();
		this.#config = { ...this.#options.config };
		this.#pending.clear();
		this.#settle();
	}

	/** Stops retries and aborts deliveries in flight. */
	close(): void {
		this.#generation++;
		this.#clearTimers();
		this.#abort.abort();
		this.#pending.clear();
		this.#settle();
	}

	#enqueue(job: Job): Promise<void> {
		const token = Symbol("delivery");
		this.#pending.add(token);
		const generation = this.#generation;
		const key = job.target.url;
		const previous = this.#chains.get(key) ?? Promise.resolve();
		const run = previous
			.then(() => this.#tryDelivery(job, 1, token, generation))
			.catch((error: unknown) => {
				this.#options.log(`webhook delivery failed: ${String(error)}`);
				this.#finish(token);
			});
		this.#chains.set(key, run);
		return run;
	}

	async #tryDelivery(job: Job, attempt: number, token: symbol, generation: number): Promise<void> {
		if (generation !== this.#generation) {
			this.#finish(token);
			return;
		}
		const entry = await this.#attempt(job, attempt, null);
		if (entry.ok || generation !== this.#generation || attempt >= MAX_ATTEMPTS) {
			this.#finish(token);
			return;
		}
		// Retries wait retryBaseMs × 2^n and run outside the in-order queue, as Stripe's do.
		const timer = setTimeout(
			() => {
				this.#timers.delete(timer);
				void this.#tryDelivery(job, attempt + 1, token, generation);
			},
			this.#options.retryBaseMs * 2 ** (attempt - 1),
		);
		this.#timers.add(timer);
	}

	async #attempt(job: Job, attempt: number, note: "manual" | null): Promise<DeliveryLogEntry> {
		if (this.#config.delayMs > 0) {
			await sleep(this.#config.delayMs, undefined, { signal: this.#abort.signal }).catch(() => {});
		}
		const result = await postEvent(
			job.target.url,
			job.event,
			job.target.secret,
			this.#abort.signal,
		);
		const entry = this.#record(job, attempt, result.status, result.error, note, result.durationMs);
		const eventId = String(job.event.id);
		this.#options.log(
			`<-- [${result.status ?? "ERR"}] POST ${job.target.url} [${eventId}]${result.error ? ` ${result.error}` : ""}`,
		);
		const deliveredKey = `${eventId} ${job.target.url}`;
		if (entry.ok && !this.#delivered.has(deliveredKey)) {
			this.#delivered.add(deliveredKey);
			this.#options.onDelivered(eventId);
		}
		return entry;
	}

	#record(
		job: Job,
		attempt: number,
		status: number | null,
		error: string | null,
		note: DeliveryLogEntry["note"],
		durationMs: number,
	): DeliveryLogEntry {
		const entry: DeliveryLogEntry = {
			eventId: String(job.event.id),
			eventType: String(job.event.type),
			url: job.target.url,
			endpointId: job.target.endpointId,
			attempt,
			status,
			ok: status !== null && status >= 200 && status < 300,
			error,
			note,
			durationMs,
			at: new Date().toISOString(),
		};
		this.#deliveries.push(entry);
		return entry;
	}

	#finish(token: symbol): void {
		this.#pending.delete(token);
		if (this.#pending.size === 0) this.#settle();
	}

	#settle(): void {
		for (const resolve of this.#idleWaiters.splice(0)) resolve();
	}

	#clearTimers(): void {
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
	}
}

/** Items in `order`; `shuffle` never leaves two or more in the order they came. */
function arrange<T>(items: T[], order: EventBatchOptions["order"], seed?: number): T[] {
	if (order === "fifo") return [...items];
	if (order === "reverse") return [...items].reverse();
	const random = seededRandom(seed ?? Math.floor(Math.random() * 2 ** 31));
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j] as T, out[i] as T];
	}
	if (out.length > 1 && out.every((item, index) => item === items[index]))
		out.push(out.shift() as T);
	return out;
}

// mulberry32: a small repeatable generator for `seed`.
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
