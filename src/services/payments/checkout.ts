import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { runBatch } from "../../db/batch.ts";
import type { Db } from "../../db/client.ts";
import { orders } from "../../db/schema.ts";
import { resumeOf } from "../../domain/actions.ts";
import { type CartLine, normalizeCart } from "../../domain/cart.ts";
import { type CheckoutOptions, sessionParams } from "../../domain/checkout-session.ts";
import type { CheckoutUi } from "../../domain/vocabulary.ts";
import type { Locale } from "../../i18n/catalogues.ts";
import { AppError, stripeUnavailable } from "../../lib/errors.ts";
import { describeError } from "../../lib/log.ts";
import { retried } from "../../lib/retry.ts";
import { sameToken } from "../../lib/secret-compare.ts";
import { randomId } from "../../lib/signed-token.ts";
import { isStripeRequestError, untilStripeAnswers } from "../../lib/stripe.ts";
import { recordStripeCustomer, stripeCustomerOf } from "../accounts/account.ts";
import type { CustomerRow } from "../accounts/sessions.ts";
import type { PricedCart } from "../catalog/catalog.ts";
import type { StripeDeps } from "../deps.ts";
import { applyFact } from "../orders/apply-fact.ts";
import type { OrderRow, OrderWithItems } from "../orders/orders.ts";
import { findOrderWithItems, latestOrderOf } from "../orders/orders.ts";
import {
	clientMayHold,
	holdLimitError,
	orderLineInsert,
	outOfStockError,
	overHoldLimit,
	reserve,
	shortProducts,
	stockSuffices,
} from "../orders/stock.ts";
import { retrieveSession, syncOrder } from "../orders/sync.ts";

/** How long a Checkout Session stays payable (Stripe allows 30 min to 24 h). */
export const CHECKOUT_TTL_SECONDS = 60 * 60;

/**
 * The order a checkout takes over, with its token; `elsewhere`: its unchanged
 * cart's session is open for another way to pay or another destination
 * (`resumeUnchanged`), so it is closed and replaced like a changed cart's.
 */
export type Resume = { orderId?: string | null; token?: string | null; elsewhere?: boolean };

/** A checkout to go to: Stripe's page (`url`), or ours with the session's `clientSecret` (SPEC 16). */
export type CheckoutResult = { orderId: string; sessionId: string; resumeToken: string } & (
	| { url: string }
	| { clientSecret: string }
);

/** Where a session is paid: its `url`, or the secret our page initialises Stripe.js with. */
function payWith(
	session: Stripe.Checkout.Session,
): { url: string } | { clientSecret: string } | null {
	if (session.ui_mode === "elements")
		return session.client_secret ? { clientSecret: session.client_secret } : null;
	return session.url ? { url: session.url } : null;
}

const alreadyPaid = () =>
	new AppError(
		"order_already_paid",
		"This order is already paid or its payment is being processed.",
	);

/**
 * Starts (or resumes) a checkout for a priced cart: writes the order and its
 * items before calling Stripe, then creates the Checkout Session. When Stripe
 * fails the order ends `canceled` with `stripe_unavailable`, never payable.
 */
export async function startCheckout(
	deps: StripeDeps,
	input: {
		cart: PricedCart;
		origin: string;
		/** Shipping, promotion codes and tax, as the shop is set up. */
		options?: CheckoutOptions;
		/** The shopper's language: kept on the order, given to Stripe's page. */
		locale?: Locale;
		/** Who is checking out (`clientFingerprint`), for the per-client hold; null: not limited. */
		clientKey?: string | null;
		/** The signed-in customer (SPEC 14); null or absent: a guest. */
		customer?: CustomerRow | null;
		resume?: Resume;
		/**
		 * A statement to commit with the session's record, given the answer (the
		 * Idempotency-Key's stored answer): one round trip for both.
		 */
		alsoCommit?: (result: CheckoutResult) => SQL;
	},
): Promise<CheckoutResult> {
	// The Stripe client is made (and its key checked) before anything is written.
	void deps.stripe;
	// The same cart was resumed before pricing (`resumeUnchanged`): what is left is a changed one.
	const replaces = input.resume ? await replaceChanged(deps, input.resume, input.cart) : null;
	const { customer } = input;
	// A signed-in shopper's Stripe Customer: made once, at their first checkout (one Stripe call).
	const stripeCustomer = customer ? await stripeCustomerOf(deps, customer) : null;
	const order = await createOrder(deps, input.cart, {
		locale: input.locale ?? "en",
		origin: input.origin,
		clientKey: input.clientKey ?? null,
		replaces,
		customerId: customer?.id ?? null,
		// Recorded with the order (no round trip of its own), even when the cart is refused.
		alsoRecord:
			customer && stripeCustomer?.made
				? recordStripeCustomer(customer.id, stripeCustomer.id)
				: null,
	});
	const nowSec = Math.floor(deps.now() / 1000);
	let session: Stripe.Checkout.Session;
	try {
		session = await untilStripeAnswers(() =>
			deps.stripe.checkout.sessions.create(
				sessionParams(
					order,
					input.cart,
					input.origin,
					nowSec + CHECKOUT_TTL_SECONDS,
					input.options && stripeCustomer
						? { ...input.options, customer: stripeCustomer.id }
						: input.options,
				),
				{ idempotencyKey: `order-${order.id}-checkout-session` },
			),
		);
	} catch (err) {
		deps.log.error("checkout session create failed", { orderId: order.id, ...describeError(err) });
		await cancelUnsent(deps, order.id, {
			code: "stripe_unavailable",
			message: "The payment provider could not be reached.",
		});
		throw stripeUnavailable();
	}
	const where = payWith(session);
	if (!where) throw new Error(`Checkout Session ${session.id} has no url or client secret`);
	const result: CheckoutResult = {
		orderId: order.id,
		sessionId: session.id,
		resumeToken: order.resumeToken,
		...where,
	};
	try {
		const record = deps.db
			.update(orders)
			.set({
				stripeCheckoutSessionId: session.id,
				checkoutUrl: session.url ?? null,
				checkoutExpiresAt: session.expires_at * 1000,
				updatedAt: deps.now(),
			})
			.where(and(eq(orders.id, order.id), isNull(orders.stripeCheckoutSessionId)));
		if (input.alsoCommit) await runBatch(deps.db, [record.getSQL(), input.alsoCommit(result)]);
		else await record;
	} catch (err) {
		await closeUnrecordedSession(deps, order.id, session.id);
		await cancelUnsent(deps, order.id, {
			code: "checkout_not_recorded",
			message: "The checkout could not be recorded.",
		});
		throw err;
	}
	deps.log.info("checkout session created", {
		orderId: order.id,
		sessionId: session.id,
		subtotal: input.cart.subtotal,
		currency: input.cart.currency,
	});
	return result;
}

/**
 * The session exists at Stripe but D1 failed before the order learnt of it: the
 * shopper never gets its URL, so close it rather than leave a payable session
 * for an order we cannot follow. Should Stripe refuse too and the session be
 * paid anyway, its webhook still finds the order by its metadata (paid after
 * close, with an alert): money is not lost.
 */
async function closeUnrecordedSession(deps: StripeDeps, orderId: string, sessionId: string) {
	deps.log.error("checkout session not recorded: closing it", { orderId, sessionId });
	try {
		await deps.stripe.checkout.sessions.expire(
			sessionId,
			{},
			{ idempotencyKey: `order-${orderId}-expire` },
		);
	} catch (err) {
		deps.log.error("unrecorded checkout session left open", {
			orderId,
			sessionId,
			...describeError(err),
		});
	}
}

/**
 * A checkout that failed after its order was written (Stripe unreachable, or
 * D1 failing to record the session) ends `canceled`, giving its units back in
 * the request that failed: the shopper's retry, and everyone else, can have
 * them at once. D1 may still be failing: then the cancel is tried again once
 * the answer is sent, and reconciliation cancels what is left (a checkout
 * never sent to Stripe) once Stripe's call deadline has passed.
 */
async function cancelUnsent(
	deps: StripeDeps,
	orderId: string,
	why: { code: string; message: string },
): Promise<void> {
	const cancel = () =>
		applyFact(
			deps,
			orderId,
			{ kind: "canceled", created: Math.floor(deps.now() / 1000), ...why },
			{ source: "checkout" },
		);
	try {
		await cancel();
	} catch (err) {
		deps.log.error("failed checkout not canceled yet", { orderId, ...describeError(err) });
		deps.defer(retried(cancel));
	}
}

/**
 * Writes the order, its lines and its first transition, and reserves its
 * stock, in one D1 batch (one transaction): the order is inserted only when
 * every line's stock suffices and the client stays within what one client may
 * hold, and the rest only when the order was, so a refused cart writes and
 * reserves nothing. Checkouts racing for the last units are serialised by D1:
 * exactly as many get them as there are. Throws 409 `out_of_stock` or
 * `hold_limit`.
 */
async function createOrder(
	deps: StripeDeps,
	cart: PricedCart,
	at: {
		locale: Locale;
		origin: string;
		clientKey: string | null;
		/** The order this one takes over (superseded, its token checked): its links lead here. */
		replaces?: string | null;
		/** The signed-in customer whose order it is; null: a guest's. */
		customerId?: string | null;
		/** A statement committed with the order whether or not its stock sufficed. */
		alsoRecord?: SQL | null;
	},
): Promise<{ id: string; resumeToken: string; locale: Locale }> {
	const { locale, origin, clientKey } = at;
	const customerId = at.customerId ?? null;
	for (let attempt = 0; ; attempt++) {
		const id = crypto.randomUUID();
		// 128 random bits, URL-safe.
		const resumeToken = randomId();
		const now = deps.now();
		const [order] = await runBatch(deps.db, [
			sql`insert into orders (id, status, amount, subtotal, currency, items_key, resume_token, locale, origin, client_key, customer_id, created_at, updated_at)
				select ${id}, 'pending', ${cart.subtotal}, ${cart.subtotal}, ${cart.currency}, ${cart.itemsKey}, ${resumeToken}, ${locale}, ${origin}, ${clientKey}, ${customerId}, ${now}, ${now}
				where ${stockSuffices(cart.lines)} and ${clientMayHold(clientKey, cart.lines)}`,
			...cart.lines.map((line) => orderLineInsert(id, line)),
			reserve(id),
			sql`insert into order_transitions (order_id, from_status, to_status, source, at)
				select ${id}, null, 'pending', 'checkout', ${now}
				where exists (select 1 from orders where id = ${id})`,
			...(at.replaces
				? [
						sql`update orders set replaced_by = ${id}
							where id = ${at.replaces} and replaced_by is null
							and exists (select 1 from orders where id = ${id})`,
					]
				: []),
			...(at.alsoRecord ? [at.alsoRecord] : []),
		]);
		if (order?.meta.changes === 1) return { id, resumeToken, locale };
		const short = await shortProducts(deps.db, cart.lines);
		if (short.length > 0) {
			deps.log.info("checkout out of stock", { productIds: short.map((s) => s.productId) });
			throw outOfStockError(short);
		}
		if (await overHoldLimit(deps.db, clientKey, cart.lines)) {
			deps.log.info("checkout over the client's hold limit");
			throw holdLimitError();
		}
		// Stock that came back between the batch and the look: try again, a few times.
		if (attempt >= 2) throw outOfStockError([]);
	}
}

/**
 * The items of an order the shopper may resume (the token is the order's), as a
 * cart; null otherwise. The cancel page's form post carries no items.
 */
export async function resumableItems(db: Db, orderId: string, token: string) {
	const found = await findOrderWithItems(db, { id: orderId });
	const own = found?.order.resumeToken;
	if (!found || !own || !(await sameToken(token, own))) return null;
	const { items } = found;
	return items.length > 0
		? items.map((item) => ({ productId: item.productId, quantity: item.quantity }))
		: null;
}

/**
 * The shopper is back with the same cart as their order (the same products and
 * quantities): the same session while Stripe can still take the payment, at the
 * order's own prices, whatever the catalog says now (a product deactivated or
 * repriced since neither refuses nor reprices a checkout the shopper already
 * has). Runs before the cart is priced. Null when there is nothing to resume (a
 * new order follows; a session that closed unpaid has ended its order). Throws
 * 409 `order_already_paid`, or 502 when Stripe cannot say.
 */
export async function resumeUnchanged(
	deps: StripeDeps,
	resume: { orderId?: string | null; token?: string | null },
	items: readonly CartLine[],
	/** A destination chosen in the cart; null: the session's own (a resume from the cancel page). */
	country: string | null = null,
	/** Where it is to be paid now: a session of the other kind is another checkout. */
	uiMode: CheckoutUi = "hosted",
): Promise<CheckoutResult | "elsewhere" | null> {
	const found = await resumableOrder(deps, resume);
	const order = found?.order;
	if (!found || !order?.stripeCheckoutSessionId) return null;
	if (!sameItems(found.items, items)) return null;
	const sessionId = order.stripeCheckoutSessionId;
	const session = await callStripe(deps, () => retrieveSession(deps.stripe, sessionId));
	// Another destination chosen in the cart is another checkout (its rates differ), and so is
	// the other way to pay; the open one is closed first, so no cart is ever payable twice.
	const asked = session.shipping_address_collection?.allowed_countries;
	const otherCountry = country && asked && (asked.length !== 1 || asked[0] !== country);
	const otherMode = (session.ui_mode === "elements") !== (uiMode === "elements");
	if (session.status === "open" && (otherCountry || otherMode)) return "elsewhere";
	const where = session.status === "open" ? payWith(session) : null;
	if (where)
		return { orderId: order.id, sessionId, resumeToken: order.resumeToken ?? "", ...where };
	return settleClosedSession(deps, order, session);
}

/**
 * The order a resume names, when its token is right and its checkout may still
 * be resumed (pending or declined, not past its session's life); null
 * otherwise (without the right token the order id is ignored). Throws 409 for a
 * paid or processing order.
 */
async function resumableOrder(
	deps: StripeDeps,
	resume: { orderId?: string | null; token?: string | null },
): Promise<OrderWithItems | null> {
	if (!resume.orderId || !resume.token) return null;
	const named = await findOrderWithItems(deps.db, { id: resume.orderId });
	const own = named?.order.resumeToken;
	if (!named || !own || !(await sameToken(resume.token, own))) return null;
	// Taken over by a newer order of the same cart: that one is the shopper's checkout now.
	const found = await latestOrderOf(deps.db, named);
	const verdict = resumeOf(found.order, deps.now());
	if (verdict === "already_paid") throw alreadyPaid();
	return verdict === "resume" ? found : null;
}

/** The same products in the same quantities, in any order (prices aside). */
function sameItems(
	own: readonly { productId: string; quantity: number }[],
	cart: readonly CartLine[],
) {
	const key = (lines: readonly CartLine[]) =>
		normalizeCart(lines)
			.map((l) => `${l.productId}*${l.quantity}`)
			.join(",");
	return key(own) === key(cart);
}

/**
 * The shopper is back with a changed cart: the old order is replaced by a new
 * one (its session expired at Stripe, the order canceled, its units given back)
 * once the new cart's stock is known to suffice. Null when a new order is to be
 * made.
 */
async function replaceChanged(
	deps: StripeDeps,
	resume: Resume,
	cart: PricedCart,
): Promise<string | null> {
	const found = await resumableOrder(deps, resume);
	const order = found?.order;
	const sessionId = order?.stripeCheckoutSessionId;
	if (!found || !order || !sessionId) return null;
	const own = found.items;
	if (sameItems(own, cart.lines) && !resume.elsewhere) return null;

	// Refused before the old session is closed: a cart asking for more than is left keeps its checkout.
	// What the old order holds counts as the shopper's own.
	const held = new Map(own.map((i) => [i.productId, i.reserved]));
	const short = await shortProducts(deps.db, cart.lines, held);
	if (short.length > 0) throw outOfStockError(short);

	try {
		await untilStripeAnswers(() =>
			deps.stripe.checkout.sessions.expire(
				sessionId,
				{},
				{ idempotencyKey: `order-${order.id}-expire` },
			),
		);
	} catch (err) {
		if (!isStripeRequestError(err)) {
			deps.log.error("checkout session expire failed", {
				orderId: order.id,
				...describeError(err),
			});
			throw stripeUnavailable();
		}
		// Not expirable any more: it completed or expired meanwhile. Its own facts decide the old order.
		const session = await callStripe(deps, () => retrieveSession(deps.stripe, sessionId));
		return settleClosedSession(deps, order, session);
	}
	await supersede(deps, order.id, "Replaced by a new checkout with a changed cart.");
	return order.id;
}

async function settleClosedSession(
	deps: StripeDeps,
	order: OrderRow,
	session: Stripe.Checkout.Session,
): Promise<null> {
	const result = await syncOrder(deps, order, "checkout", session);
	const status = result && result.outcome !== "not_found" ? result.status : order.status;
	// A completed session whose outcome we cannot tell yet is treated as paid: never risk charging twice.
	if (status === "paid" || status === "processing" || (session.status === "complete" && !result))
		throw alreadyPaid();
	if (status === "pending" || status === "failed") {
		// Its session can no longer be paid: the new order replaces it.
		await supersede(deps, order.id, "Replaced by a new checkout.");
	}
	return null;
}

/** The old order of a resumed checkout is replaced by the new one (it ends canceled, code superseded). */
async function supersede(deps: StripeDeps, orderId: string, message: string): Promise<void> {
	await applyFact(
		deps,
		orderId,
		{ kind: "canceled", created: Math.floor(deps.now() / 1000), code: "superseded", message },
		{ source: "checkout" },
	);
}

async function callStripe<T>(deps: StripeDeps, call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (err) {
		deps.log.error("stripe call failed", describeError(err));
		throw stripeUnavailable();
	}
}
