import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { accountSessions, customers, signInTokens } from "../../db/schema.ts";
import { AppError } from "../../lib/errors.ts";
import { sha256Hex, verified } from "../../lib/signed-token.ts";
import type { Deps } from "../deps.ts";

/** The cookie that signs a shopper in (SPEC 14): `HttpOnly; Secure; SameSite=Lax; Path=/`. */
export const SESSION_COOKIE = "account";

export type CustomerRow = typeof customers.$inferSelect;

/** A signed-in customer and the hash of their session's id (what signing out ends). */
export type SignedIn = { customer: CustomerRow; sessionHash: string };

/**
 * The customer a session cookie signs in: its signature is checked first (a
 * cookie made with another secret, or changed, costs no D1 read), then its
 * session, which must be neither ended nor expired: one D1 round trip. Null
 * for anything else.
 */
export async function signedIn(
	deps: Deps,
	secret: string,
	cookie: string | undefined,
): Promise<SignedIn | null> {
	if (!cookie) return null;
	const id = await verified(secret, "session", cookie);
	if (!id) return null;
	const sessionHash = await sha256Hex(id);
	const [row] = await deps.db
		.select({ customer: customers })
		.from(accountSessions)
		.innerJoin(customers, eq(customers.id, accountSessions.customerId))
		.where(
			and(
				eq(accountSessions.idHash, sessionHash),
				isNull(accountSessions.endedAt),
				gt(accountSessions.expiresAt, deps.now()),
			),
		)
		.limit(1);
	return row ? { customer: row.customer, sessionHash } : null;
}

/** Ends a session on the server: its cookie is refused from now on, wherever it was kept. */
export async function endSession(deps: Deps, sessionHash: string): Promise<void> {
	await deps.db
		.update(accountSessions)
		.set({ endedAt: deps.now() })
		.where(and(eq(accountSessions.idHash, sessionHash), isNull(accountSessions.endedAt)));
	deps.log.info("signed out");
}

export const notSignedIn = () =>
	new AppError("not_signed_in", "Sign in first: this needs a signed-in customer.");

/** How long a used or expired link, and an ended or expired session, are kept (then the Cron drops them). */
export const ACCOUNT_RECORDS_KEPT_MS = 24 * 3_600_000;

/**
 * The Cron's clean-up: sign-in links and sessions that no longer sign anyone
 * in, a day after they stopped (the hourly limits count only the last hour).
 * One D1 batch.
 */
export async function purgeAccountRecords(deps: Deps): Promise<number> {
	const before = deps.now() - ACCOUNT_RECORDS_KEPT_MS;
	const [links, sessions] = await deps.db.batch([
		deps.db.delete(signInTokens).where(lt(signInTokens.expiresAt, before)),
		deps.db
			.delete(accountSessions)
			.where(or(lt(accountSessions.expiresAt, before), lt(accountSessions.endedAt, before))),
	]);
	return links.meta.changes + sessions.meta.changes;
}
