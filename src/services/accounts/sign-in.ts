import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch.ts";
import type { Locale } from "../../i18n/catalogues.ts";
import { AppError } from "../../lib/errors.ts";
import { hmac, randomId, sha256Hex, signed } from "../../lib/signed-token.ts";
import type { Deps } from "../deps.ts";

/**
 * Signing in by e-mail link (SPEC 14). A request writes the link's record
 * (only its token's SHA-256) and the `sign_in` e-mail in one D1 batch, or
 * neither when a limit is reached; a link opens one session, once, within 15
 * minutes. Nothing tells a known address from an unknown one: both get the
 * same answer, the same work and the same e-mail, and the customer row is made
 * when a link is first used.
 */

/** How long a sign-in link works. */
export const SIGN_IN_TTL_MS = 15 * 60_000;
/** How long a session lasts (the cookie's Max-Age too). */
export const SESSION_TTL_MS = 30 * 24 * 3_600_000;
/** Sign-in e-mails one address may be sent per hour. */
export const SIGN_INS_PER_ADDRESS = 5;
/** Sign-in e-mails one client (IPv4 address or IPv6 /64) may ask for per hour. */
export const SIGN_INS_PER_CLIENT = 20;
const HOUR_MS = 3_600_000;

/**
 * The token of a sign-in link, made again from its nonce (the outbox row
 * keeps the nonce, never the token): nobody without SESSION_SECRET can make it.
 */
export const signInToken = (secret: string, nonce: string) => hmac(secret, "sign-in", nonce);

/** The outbox row's dedupe key of a sign-in request: one e-mail per request. */
export const signInDedupeKey = (nonce: string) => `sign_in:${nonce}`;
export const nonceOfDedupeKey = (key: string) =>
	key.startsWith("sign_in:") ? key.slice("sign_in:".length) : null;

/**
 * Writes a sign-in link for `email` and its e-mail (to be delivered through
 * the outbox). Throws 429 `rate_limited` (nothing written) past 5 e-mails to
 * the address or 20 from the client in the last hour.
 */
export async function requestSignIn(
	deps: Deps,
	secret: string,
	input: { email: string; locale: Locale; clientKey: string; origin: string },
): Promise<void> {
	const email = input.email.trim().toLowerCase();
	const { locale, clientKey, origin } = input;
	const nonce = randomId();
	const tokenHash = await sha256Hex(await signInToken(secret, nonce));
	const now = deps.now();
	const since = now - HOUR_MS;
	const emailId = crypto.randomUUID();
	const [link] = await runBatch(deps.db, [
		sql`insert into sign_in_tokens (token_hash, email, locale, client_key, origin, created_at, expires_at)
			select ${tokenHash}, ${email}, ${locale}, ${clientKey}, ${origin}, ${now}, ${now + SIGN_IN_TTL_MS}
			where (select count(*) from sign_in_tokens where email = ${email} and created_at > ${since}) < ${SIGN_INS_PER_ADDRESS}
			and (select count(*) from sign_in_tokens where client_key = ${clientKey} and created_at > ${since}) < ${SIGN_INS_PER_CLIENT}`,
		sql`insert into emails (id, customer_id, kind, "to", locale, dedupe_key, created_at)
			select ${emailId}, (select id from customers where email = ${email}), 'sign_in', ${email}, ${locale}, ${signInDedupeKey(nonce)}, ${now}
			where exists (select 1 from sign_in_tokens where token_hash = ${tokenHash})`,
	]);
	if (link?.meta.changes !== 1) {
		deps.log.info("sign-in refused: over the hourly limit");
		throw new AppError(
			"rate_limited",
			"Too many sign-in links were asked for this address or from this network. Please try again later.",
			{},
			await secondsUntilFree(deps, email, clientKey, now),
		);
	}
	deps.log.info("sign-in link written", { emailId });
	await deps.enqueueEmails([emailId]);
}

/** When the hour's window lets one more link through: the fifth (or twentieth) newest leaves it. */
async function secondsUntilFree(deps: Deps, email: string, clientKey: string, now: number) {
	const since = now - HOUR_MS;
	const [row] = await deps.db.all<{ at: number | null }>(
		sql`select max(
			coalesce((select created_at from sign_in_tokens where email = ${email} and created_at > ${since} order by created_at desc limit 1 offset ${SIGN_INS_PER_ADDRESS - 1}), 0),
			coalesce((select created_at from sign_in_tokens where client_key = ${clientKey} and created_at > ${since} order by created_at desc limit 1 offset ${SIGN_INS_PER_CLIENT - 1}), 0)
		) as at`,
	);
	const at = row?.at ?? now;
	return Math.max(1, Math.ceil((at + HOUR_MS - now) / 1000));
}

/**
 * Uses a sign-in link: in one batch, the customer of its address (made on the
 * first sign-in), a session, and the link marked used; or nothing at all for
 * an unknown, used or expired token (400 `invalid_token`). Answers the session
 * cookie's value (the session id, signed) and the address.
 */
export async function startSession(
	deps: Deps,
	secret: string,
	token: string,
): Promise<{ cookie: string; email: string; customerId: string }> {
	const tokenHash = await sha256Hex(token);
	const sessionId = randomId();
	const idHash = await sha256Hex(sessionId);
	const now = deps.now();
	const usable = sql`token_hash = ${tokenHash} and used_at is null and expires_at > ${now}`;
	const [, , used] = await runBatch(deps.db, [
		sql`insert into customers (id, email, locale, created_at)
			select ${crypto.randomUUID()}, email, locale, ${now} from sign_in_tokens where ${usable}
			on conflict (email) do nothing`,
		sql`insert into account_sessions (id_hash, customer_id, created_at, expires_at)
			select ${idHash}, customers.id, ${now}, ${now + SESSION_TTL_MS}
			from sign_in_tokens join customers on customers.email = sign_in_tokens.email
			where sign_in_tokens.token_hash = ${tokenHash}
			and sign_in_tokens.used_at is null and sign_in_tokens.expires_at > ${now}`,
		sql`update sign_in_tokens set used_at = ${now}
			where ${usable} and exists (select 1 from account_sessions where id_hash = ${idHash})
			returning email, (select customer_id from account_sessions where id_hash = ${idHash}) as customer_id`,
	]);
	const row = used?.results[0] as { email: string; customer_id: string } | undefined;
	if (!row) throw invalidToken();
	deps.log.info("signed in", { customerId: row.customer_id });
	return {
		cookie: await signed(secret, "session", sessionId),
		email: row.email,
		customerId: row.customer_id,
	};
}

export const invalidToken = () =>
	new AppError(
		"invalid_token",
		"This sign-in link is unknown, already used or expired. Ask for a new one.",
	);

/**
 * Whether a link would still sign in (unused, within its 15 minutes): the
 * account page asks before offering its button, and uses nothing.
 */
export async function linkIsUsable(deps: Deps, token: string): Promise<boolean> {
	const [row] = await deps.db.all<{ ok: number }>(
		sql`select 1 as ok from sign_in_tokens
			where token_hash = ${await sha256Hex(token)} and used_at is null and expires_at > ${deps.now()}`,
	);
	return row !== undefined;
}
