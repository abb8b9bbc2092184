/**
 * The idempotency store's clock-driven paths, on the service with a chosen
 * `now`: a dead request's claim is taken over after 60 s, keys go after 24 h.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { idempotencyKeys } from "../../src/db/schema.ts";
import {
	IDEMPOTENCY_TTL_MS,
	purgeIdempotencyKeys,
	withIdempotency,
} from "../../src/services/idempotency.ts";
import { db } from "./helpers/db.ts";

const T = Date.UTC(2026, 11, 1, 12);
const key = () => `key-${crypto.randomUUID()}`;
const ok = async () => ({ status: 200, body: { ran: true } });

/** A claim left by a request that died mid-way: no answer stored. */
async function deadClaim(k: string, at: number) {
	await db.insert(idempotencyKeys).values({ key: k, requestHash: "h", createdAt: at });
}

describe("an in-flight claim", () => {
	it("answers 409 request_in_progress while the first request may still be running (59 s)", async () => {
		const k = key();
		await deadClaim(k, T - 59_000);
		await expect(withIdempotency(db, { key: k, hash: "h", now: T }, ok)).rejects.toMatchObject({
			code: "request_in_progress",
			retryAfterSeconds: 1,
		});
	});

	it("is taken over after 60 s by a retry, which runs and stores its answer", async () => {
		const k = key();
		await deadClaim(k, T - 61_000);
		const answer = await withIdempotency(db, { key: k, hash: "h", now: T }, ok);
		expect(answer).toEqual({ status: 200, body: { ran: true }, replayed: false });
		const replay = await withIdempotency(db, { key: k, hash: "h", now: T + 1000 }, async () => {
			throw new Error("must not run again");
		});
		expect(replay).toMatchObject({ status: 200, replayed: true });
	});

	it("is taken over by one of two racing retries only", async () => {
		const k = key();
		await deadClaim(k, T - 61_000);
		let runs = 0;
		const work = async () => {
			runs++;
			return { status: 200, body: {} };
		};
		const results = await Promise.allSettled([
			withIdempotency(db, { key: k, hash: "h", now: T }, work),
			withIdempotency(db, { key: k, hash: "h", now: T }, work),
		]);
		expect(runs).toBe(1);
		expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
	});
});

describe("keys past 24 h", () => {
	it("are dropped by the purge, younger ones kept", async () => {
		const old = key();
		const young = key();
		await deadClaim(old, T - IDEMPOTENCY_TTL_MS - 1);
		await deadClaim(young, T - IDEMPOTENCY_TTL_MS + 60_000);
		expect(await purgeIdempotencyKeys(db, T)).toBeGreaterThanOrEqual(1);
		const left = async (k: string) =>
			(await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, k))).length;
		expect([await left(old), await left(young)]).toEqual([0, 1]);
	});

	it("are free again for a new request with the same key, even before the purge", async () => {
		const k = key();
		await db.insert(idempotencyKeys).values({
			key: k,
			requestHash: "another request",
			createdAt: T - IDEMPOTENCY_TTL_MS - 1,
			responseStatus: 200,
			responseBody: "{}",
		});
		const answer = await withIdempotency(db, { key: k, hash: "h", now: T }, ok);
		expect(answer).toMatchObject({ status: 200, body: { ran: true }, replayed: false });
	});
});

describe("the Cron Trigger", () => {
	it("purges keys past 24 h when it runs", async () => {
		const k = key();
		await deadClaim(k, Date.now() - IDEMPOTENCY_TTL_MS - 60_000);
		const { createScheduledController, createExecutionContext, waitOnExecutionContext } =
			await import("cloudflare:test");
		const { default: worker } = await import("../../src/index.ts");
		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env, ctx);
		await waitOnExecutionContext(ctx);
		expect(await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, k))).toEqual([]);
	});
});

describe("D1 failing right after the work is done", () => {
	it("still answers the work's 200, stores it once D1 is back, and replays it then", async () => {
		const { createDb } = await import("../../src/db/client.ts");
		const { d1WithOutage } = await import("./helpers/db.ts");
		const outage = d1WithOutage();
		const flaky = createDb(outage.binding);
		const k = key();
		const deferred: Promise<unknown>[] = [];
		const opts = {
			key: k,
			hash: "h",
			now: Date.now(),
			defer: (p: Promise<unknown>) => void deferred.push(p),
		};
		const answer = await withIdempotency(flaky, opts, async () => {
			outage.state.down = true; // the order and its session exist; then D1 goes
			return { status: 200, body: { url: "https://checkout.test/pay" } };
		});
		expect(answer).toEqual({
			status: 200,
			body: { url: "https://checkout.test/pay" },
			replayed: false,
		});
		outage.state.down = false;
		await Promise.all(deferred);
		const replay = await withIdempotency(flaky, { ...opts, now: Date.now() }, async () => {
			throw new Error("must not run again");
		});
		expect(replay).toMatchObject({
			status: 200,
			body: { url: "https://checkout.test/pay" },
			replayed: true,
		});
	});
});
