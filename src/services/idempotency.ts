import { and, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { idempotencyKeys } from "../db/schema.ts";
import { AppError } from "../lib/errors.ts";
import { retried } from "../lib/retry.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-flight claim older than this belongs to a request that died; a retry may take it over. */
const STALE_CLAIM_MS = 60 * 1000;

export type StoredResponse = { status: number; body: unknown };

export function checkIdempotencyKey(key: string): string {
	if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
		throw new AppError(
			400,
			"invalid_idempotency_key",
			"Idempotency-Key must be 1 to 255 visible ASCII characters.",
		);
	}
	return key;
}

/** SHA-256 of a canonical form of the request: the same cart in any order hashes the same. */
export async function requestHash(canonical: unknown): Promise<string> {
	const digest = await crypto.subtle.digest(
		"SHA-256",
		new TextEncoder().encode(JSON.stringify(canonical)),
	);
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Runs `work` at most once per key (kept 24 h): a repeat with the same request
 * replays the stored answer, a repeat while the first is in flight gets 409,
 * a different request with the same key gets 422. 5xx answers and unexpected
 * errors are not kept, so a retry runs again.
 */
export async function withIdempotency(
	db: Db,
	opts: {
		key: string;
		hash: string;
		now: number;
		/** Runs work after the answer (`waitUntil`): a release that failed is tried again there. */
		defer?: (promise: Promise<unknown>) => void;
	},
	work: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
	const { key, hash, now } = opts;
	const free = () => release(db, key, opts.defer);
	if (!(await claim(db, key, hash, now))) {
		const row = await db.query.idempotencyKeys.findFirst({ where: eq(idempotencyKeys.key, key) });
		if (!row) return withIdempotency(db, opts, work);
		if (row.requestHash !== hash) {
			throw new AppError(
				422,
				"idempotency_key_reused",
				"This Idempotency-Key was used with a different request.",
			);
		}
		if (row.responseStatus !== null) {
			return {
				status: row.responseStatus,
				body: JSON.parse(row.responseBody ?? "null"),
				replayed: true,
			};
		}
		if (!(row.createdAt < now - STALE_CLAIM_MS && (await takeOver(db, key, row.createdAt, now)))) {
			throw new AppError(
				409,
				"request_in_progress",
				"A request with this Idempotency-Key is in progress.",
				{ "Retry-After": "1" },
			);
		}
	}

	let response: StoredResponse;
	try {
		response = await work();
	} catch (err) {
		if (err instanceof AppError && err.status < 500) {
			response = { status: err.status, body: { error: { code: err.code, message: err.message } } };
		} else {
			await free();
			throw err;
		}
	}
	if (response.status >= 500) await free();
	else await keep(db, key, response, opts.defer);
	return { ...response, replayed: false };
}

/**
 * Stores the answer for replay. The work is done (an order and its session
 * exist): a D1 failure right now must not turn it into a 5xx, so the store is
 * retried in the background, and until it lands a repeat waits (409).
 */
async function keep(
	db: Db,
	key: string,
	response: StoredResponse,
	defer?: (promise: Promise<unknown>) => void,
): Promise<void> {
	const once = () =>
		db
			.update(idempotencyKeys)
			.set({ responseStatus: response.status, responseBody: JSON.stringify(response.body) })
			.where(eq(idempotencyKeys.key, key));
	try {
		await once();
	} catch (err) {
		if (!defer) throw err;
		defer(retried(once));
	}
}

async function claim(db: Db, key: string, hash: string, now: number): Promise<boolean> {
	// An expired key is free again.
	await db
		.delete(idempotencyKeys)
		.where(
			and(eq(idempotencyKeys.key, key), lt(idempotencyKeys.createdAt, now - IDEMPOTENCY_TTL_MS)),
		);
	const result = await db
		.insert(idempotencyKeys)
		.values({ key, requestHash: hash, createdAt: now })
		.onConflictDoNothing();
	return result.meta.changes === 1;
}

async function takeOver(db: Db, key: string, claimedAt: number, now: number): Promise<boolean> {
	const result = await db
		.update(idempotencyKeys)
		.set({ createdAt: now })
		.where(
			and(
				eq(idempotencyKeys.key, key),
				eq(idempotencyKeys.createdAt, claimedAt),
				isNull(idempotencyKeys.responseStatus),
			),
		);
	return result.meta.changes === 1;
}

/**
 * Frees the key of a request whose answer is not kept (5xx), so the shopper's
 * retry runs again. When D1 fails right then, the release is tried again in
 * the background with back-off, so the key is free soon after D1 answers
 * again (instead of the claim blocking retries until it goes stale).
 */
async function release(
	db: Db,
	key: string,
	defer?: (promise: Promise<unknown>) => void,
): Promise<void> {
	const once = () =>
		db
			.delete(idempotencyKeys)
			.where(and(eq(idempotencyKeys.key, key), isNull(idempotencyKeys.responseStatus)));
	try {
		await once();
	} catch (err) {
		if (!defer) throw err;
		defer(retried(once));
	}
}

/** Drops keys past their 24 h. */
export async function purgeIdempotencyKeys(db: Db, now: number): Promise<number> {
	const result = await db
		.delete(idempotencyKeys)
		.where(lt(idempotencyKeys.createdAt, now - IDEMPOTENCY_TTL_MS));
	return result.meta.changes;
}
