import { and, eq, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { idempotencyKeys } from "../db/schema.ts";
import { AppError } from "../lib/errors.ts";
import { retried } from "../lib/retry.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-flight claim older than this belongs to a request that died; a retry may take it over. */
const STALE_CLAIM_MS = 60 * 1000;

export type StoredResponse = { status: number; body: unknown };

/**
 * Given the answer, the statement that keeps it for replay: for work that can
 * commit it with its own last write (one D1 round trip fewer). Work that uses
 * it must answer exactly that.
 */
export type KeepWith = (response: StoredResponse) => SQL;

export function checkIdempotencyKey(key: string): string {
	if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
		throw new AppError(
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
 * errors are not kept, so a retry runs again. Claiming the key (and, when it
 * is taken, reading its row) is one D1 round trip; keeping the answer is one
 * more, unless `work` commits it itself (`KeepWith`).
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
	work: (keepWith: KeepWith) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
	const { key, hash, now } = opts;
	const free = () => release(db, key, opts.defer);
	const claimed = await claim(db, key, hash, now);
	if (!claimed.ours) {
		const row = claimed.row;
		if (!row) return withIdempotency(db, opts, work);
		if (row.requestHash !== hash) {
			throw new AppError(
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
				"request_in_progress",
				"A request with this Idempotency-Key is in progress.",
				{},
				1,
			);
		}
	}

	let committed = false;
	const keepWith: KeepWith = (response) => {
		committed = true;
		return sql`update idempotency_keys set response_status = ${response.status}, response_body = ${JSON.stringify(response.body)} where key = ${key}`;
	};
	// The work answers as HTTP does (the route renders a refusal as its answer); what it throws
	// is unexpected, and not kept.
	let response: StoredResponse;
	try {
		response = await work(keepWith);
	} catch (err) {
		await free();
		throw err;
	}
	if (response.status >= 500) await free();
	else if (!committed) await keep(db, key, response, opts.defer);
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

/**
 * Takes the key (an expired one is free again) and reads its row: one batch.
 * `ours` when this request now holds it.
 */
async function claim(db: Db, key: string, hash: string, now: number) {
	const [, inserted, rows] = await db.batch([
		db
			.delete(idempotencyKeys)
			.where(
				and(eq(idempotencyKeys.key, key), lt(idempotencyKeys.createdAt, now - IDEMPOTENCY_TTL_MS)),
			),
		db
			.insert(idempotencyKeys)
			.values({ key, requestHash: hash, createdAt: now })
			.onConflictDoNothing(),
		db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)).limit(1),
	]);
	return { ours: inserted.meta.changes === 1, row: rows[0] };
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
