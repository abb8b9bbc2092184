import { and, asc, eq, gt, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { formatMoney } from "shop-money";
import type Stripe from "stripe";
import { runBatch } from "../../db/batch.ts";
import { orderItems, orders, products, refundRequests } from "../../db/schema.ts";
import { allowedActions } from "../../domain/actions.ts";
import type { Fact } from "../../domain/facts.ts";
import { AppError, orderNotFound } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import {
	isStripeRequestError,
	STRIPE_CALL_DEADLINE_MS,
	type StripeResponse,
	untilStripeAnswers,
} from "../../lib/stripe.ts";
import { DAY_MS } from "../../lib/time.ts";
import { invalidAmount, noPayment, orderNotPaid, stripeCallFailed } from "../admin/errors.ts";
import type { StripeDeps } from "../deps.ts";
import { applyFact } from "../orders/apply-fact.ts";
import type { OrderRow } from "../orders/orders.ts";
import { retrieveSession } from "../orders/sync.ts";
import { checkRefunds } from "./refund-check.ts";
import { ADMIN_REFUND_METADATA, type Restock, recordRefunds, restockOf } from "./refund-records.ts";

export type RefundAnswer = { refundId: string; amount: number; status: string | null };

/** Stripe's reasons for a refund (sent with it; the Dashboard and the shopper's bank see them). */
export const REFUND_REASONS = ["requested_by_customer", "duplicate", "fraudulent"] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/**
 * `POST /admin/orders/:id/refund`: how much (minor units; absent: the rest),
 * Stripe's reason, the operator's note (ours), and what goes back in stock.
 */
export type RefundInput = {
	amount?: number | undefined;
	reason?: RefundReason | undefined;
	note?: string | undefined;
	restock?: Restock[] | undefined;
};

type RefundRequest = typeof refundRequests.$inferSelect;

/**
 * How long an unanswered request may be retried: Stripe keeps an idempotency
 * key at least 24 hours, so within them a retry is the same refund there.
 */
const RETRY_WINDOW_MS = DAY_MS;

/** Stripe's idempotency key of a refund request: the request's own id, never the order's state. */
export function refundRequestKey(requestId: string): string {
	return `refund-request-${requestId}`;
}

/**
 * Refunds part (`requested`, minor units) or the rest of a paid order at
 * Stripe, then applies the refund through the single writer so the order
 * shows it before `charge.refunded` arrives (which is then a no-op).
 *
 * Each request is written down before Stripe is asked, and Stripe's
 * idempotency key is that request's id: a request whose answer was lost (D1
 * failed after Stripe refunded, the connection dropped) is retried by asking
 * again for the same amount, with or without the same `Idempotency-Key`, and
 * gets the refund Stripe already made, never a second one. A request is
 * answered once its refund is on the order; a deliberate second refund of the
 * same amount after that is a new request.
 * Throws 404, 409 `order_not_paid`, 400 `invalid_amount`, 409
 * `request_in_progress`, or a Stripe failure.
 */
export async function refundOrder(
	deps: StripeDeps,
	orderId: string,
	input: RefundInput = {},
): Promise<RefundAnswer> {
	const { db } = deps;
	const now = deps.now();
	const requested = input.amount;
	const [found, unanswered, items, restockedBefore, unlimited] = await db.batch([
		db.select().from(orders).where(eq(orders.id, orderId)).limit(1),
		db
			.select()
			.from(refundRequests)
			.where(
				and(
					eq(refundRequests.orderId, orderId),
					isNull(refundRequests.answeredAt),
					gt(refundRequests.createdAt, now - RETRY_WINDOW_MS),
				),
			)
			.orderBy(asc(refundRequests.createdAt)),
		db.select().from(orderItems).where(eq(orderItems.orderId, orderId)),
		// What earlier refunds put back (or will, once answered): a unit goes back once.
		db
			.select({ restock: refundRequests.restock })
			.from(refundRequests)
			.where(and(eq(refundRequests.orderId, orderId), isNotNull(refundRequests.restock))),
		// The order's products of unlimited stock: nothing of theirs goes back.
		db
			.select({ id: products.id })
			.from(products)
			.where(
				and(
					isNull(products.stock),
					inArray(
						products.id,
						db
							.select({ id: orderItems.productId })
							.from(orderItems)
							.where(eq(orderItems.orderId, orderId)),
					),
				),
			),
	]);
	let order = found[0];
	if (!order) throw orderNotFound();
	const log = deps.log.child({ orderId: order.id });
	// The same amount asked again while an earlier request has no answer: that request's retry,
	// whatever was recorded meanwhile (its charge.refunded may have made the order refunded).
	const retry = unanswered.find((r) => r.requested === (requested ?? null));
	if (retry) return carryOut(deps, order, retry, log);
	if (unanswered.length > 0) order = await settleEarlier(deps, order, unanswered, log);

	const { refund: allowed, refundRefused } = allowedActions(order, deps.now());
	if (!allowed) throw orderNotPaid(refundRefused ?? "not_paid", order.status);
	// A payment a human is checking (it matched no order) may be returned: what Stripe took is what is left.
	const rest = allowed.max ?? (await heldAtStripe(deps, order, log));
	if (rest <= 0) throw orderNotPaid("not_paid", order.status);
	const amount = requested ?? rest;
	if (!Number.isSafeInteger(amount) || amount < 1)
		throw invalidAmount("amount must be a positive integer in minor units.");
	if (amount > rest) {
		throw invalidAmount(
			`${formatMoney(amount, order.currency)} is more than the ${formatMoney(rest, order.currency)} left to refund.`,
		);
	}
	const restock = checkRestock(
		input.restock ?? [],
		items,
		restockedBefore,
		new Set(unlimited.map((p) => p.id)),
	);
	const details = {
		reason: input.reason ?? null,
		note: input.note ?? null,
		restock: restock.length > 0 ? JSON.stringify(restock) : null,
	};
	return carryOut(
		deps,
		order,
		await openRequest(deps, order.id, requested ?? null, amount, details),
		log,
	);
}

/**
 * The units to put back, each product's at most what the order held less what
 * earlier refunds put back (or will); 400 `invalid_request` naming `restock`
 * otherwise. Lines of one product are added up.
 */
function checkRestock(
	asked: Restock[],
	items: { productId: string; quantity: number }[],
	before: { restock: string | null }[],
	unlimited: Set<string>,
): Restock[] {
	const held = new Map<string, number>();
	for (const item of items)
		held.set(item.productId, (held.get(item.productId) ?? 0) + item.quantity);
	for (const earlier of before)
		for (const r of restockOf(earlier.restock))
			held.set(r.productId, (held.get(r.productId) ?? 0) - r.quantity);
	const wanted = new Map<string, number>();
	for (const r of asked) wanted.set(r.productId, (wanted.get(r.productId) ?? 0) + r.quantity);
	for (const [productId, quantity] of wanted) {
		const left = held.get(productId);
		if (left === undefined) throw invalidRestock(`restock: the order holds no ${productId}.`);
		if (unlimited.has(productId))
			throw invalidRestock(`restock: ${productId} has unlimited stock: nothing to put back.`);
		if (quantity > left)
			throw invalidRestock(
				`restock: at most ${Math.max(0, left)} of ${productId} can go back in stock (the order held ${items
					.filter((i) => i.productId === productId)
					.reduce((n, i) => n + i.quantity, 0)}).`,
			);
	}
	return [...wanted].map(([productId, quantity]) => ({ productId, quantity }));
}

function invalidRestock(message: string): AppError {
	return new AppError("invalid_request", message, { field: "restock" });
}

/**
 * Writes the request down, unless an unanswered one asking the same is there
 * already (a concurrent double click): one D1 batch, so two racing requests
 * end up with the same one. Answers the request to carry out.
 */
async function openRequest(
	deps: StripeDeps,
	orderId: string,
	requested: number | null,
	amount: number,
	details: { reason: string | null; note: string | null; restock: string | null },
): Promise<RefundRequest> {
	const now = deps.now();
	const same = sql`order_id = ${orderId} and requested is ${requested} and answered_at is null and created_at > ${now - RETRY_WINDOW_MS}`;
	const [, chosen] = await runBatch(deps.db, [
		sql`insert into refund_requests (id, order_id, requested, amount, reason, note, restock, created_at)
			select ${crypto.randomUUID()}, ${orderId}, ${requested}, ${amount}, ${details.reason}, ${details.note}, ${details.restock}, ${now}
			where not exists (select 1 from refund_requests where ${same})`,
		sql`select id, amount, reason, note, restock, created_at from refund_requests where ${same} order by created_at limit 1`,
	]);
	const row = chosen?.results[0] as
		| {
				id: string;
				amount: number;
				reason: string | null;
				note: string | null;
				restock: string | null;
				created_at: number;
		  }
		| undefined;
	if (!row) throw new Error(`refund request of order ${orderId} not written`);
	return {
		id: row.id,
		orderId,
		requested,
		amount: row.amount,
		refundId: null,
		reason: row.reason,
		note: row.note,
		restock: row.restock,
		restocked: false,
		createdAt: row.created_at,
		answeredAt: null,
	};
}

/**
 * Asks Stripe for the request's refund (made once, whatever the retries),
 * records it and applies it to the order, then marks the request answered.
 * A failure before that last write leaves it to be retried.
 */
async function carryOut(
	deps: StripeDeps,
	order: OrderRow,
	request: RefundRequest,
	log: Logger,
): Promise<RefundAnswer> {
	const paymentIntentId = order.stripePaymentIntentId ?? (await paymentIntentOf(deps, order, log));
	log.info("admin refund requested", {
		paymentIntentId,
		refundRequestId: request.id,
		amount: request.amount,
		currency: order.currency,
		amountRefundedBefore: order.amountRefunded,
	});
	let refund: StripeResponse<Stripe.Refund>;
	try {
		// A double click (or ten) is one refund: the others wait for it and get it replayed.
		refund = await untilStripeAnswers(() =>
			deps.stripe.refunds.create(
				{
					payment_intent: paymentIntentId,
					amount: request.amount,
					...(isRefundReason(request.reason) && { reason: request.reason }),
					metadata: { order_id: order.id, ...ADMIN_REFUND_METADATA, refund_request: request.id },
					// The charge tells the cumulative amount refunded, Dashboard refunds included.
					expand: ["charge"],
				},
				{ idempotencyKey: refundRequestKey(request.id) },
			),
		);
	} catch (err) {
		// Stripe refused it (already refunded in the Dashboard, say): answered, nothing to retry.
		if (isStripeRequestError(err)) await markAnswered(deps, request, null);
		throw stripeCallFailed(log, "admin refund", err);
	}
	log.info("admin refund created", {
		paymentIntentId,
		refundId: refund.id,
		amount: refund.amount,
		refundStatus: refund.status,
		replayed: refund.lastResponse?.headers?.["idempotent-replayed"] === "true",
	});
	// Recorded whatever its status: a refund that failed is part of the order's history too.
	await recordRefunds(deps.db, order.id, [refund], deps.now());
	if (refund.status !== "failed" && refund.status !== "canceled") {
		await applyFact(deps, order.id, refundFact(deps, order, refund, paymentIntentId), {
			source: "admin",
		});
	}
	const refunded = refund.status !== "failed" && refund.status !== "canceled";
	await markAnswered(deps, request, refund.id, refunded);
	return { refundId: refund.id, amount: refund.amount, status: refund.status };
}

const isRefundReason = (reason: string | null): reason is RefundReason =>
	(REFUND_REASONS as readonly string[]).includes(reason ?? "");

/**
 * The request answered; with a refund made, its units back in stock in the
 * same batch, once: the stock moves only while the request is not yet marked
 * restocked, and the batch's last statement marks it (a retry finds it done).
 * A product of unlimited stock stays unlimited.
 */
async function markAnswered(
	deps: StripeDeps,
	request: RefundRequest,
	refundId: string | null,
	refunded = false,
) {
	const now = deps.now();
	const restock = refunded ? restockOf(request.restock) : [];
	await runBatch(deps.db, [
		...restock.map(
			(r) => sql`update products set stock = stock + ${r.quantity}, updated_at = ${now}
				where id = ${r.productId} and stock is not null
				and exists (select 1 from refund_requests where id = ${request.id} and restocked = 0)`,
		),
		sql`update refund_requests set refund_id = ${refundId}, answered_at = ${now},
			restocked = ${restock.length > 0 ? 1 : 0} or restocked
			where id = ${request.id}`,
	]);
}

/**
 * Earlier requests of another amount that have no answer: one may still be
 * on its way (409, try again in a moment); past Stripe's deadline, whatever
 * they made is at Stripe, which is asked, so the new request is judged on
 * what is really left.
 */
async function settleEarlier(
	deps: StripeDeps,
	order: OrderRow,
	unanswered: RefundRequest[],
	log: Logger,
): Promise<OrderRow> {
	const now = deps.now();
	if (unanswered.some((r) => r.createdAt > now - STRIPE_CALL_DEADLINE_MS))
		throw new AppError(
			"request_in_progress",
			"Another refund of this order is on its way. Try again in a minute.",
			{},
			30,
		);
	try {
		await checkRefunds(deps, order);
	} catch (err) {
		throw stripeCallFailed(log, "admin refund: earlier request check", err);
	}
	await deps.db
		.update(refundRequests)
		.set({ answeredAt: now })
		.where(and(eq(refundRequests.orderId, order.id), isNull(refundRequests.answeredAt)));
	return (await deps.db.select().from(orders).where(eq(orders.id, order.id)).limit(1))[0] ?? order;
}

/** What Stripe still holds of an order's payment (taken less refunded), from its latest charge. */
async function heldAtStripe(deps: StripeDeps, order: OrderRow, log: Logger): Promise<number> {
	const paymentIntentId = order.stripePaymentIntentId ?? (await paymentIntentOf(deps, order, log));
	let intent: Stripe.PaymentIntent;
	try {
		intent = await deps.stripe.paymentIntents.retrieve(paymentIntentId, {
			expand: ["latest_charge"],
		});
	} catch (err) {
		throw stripeCallFailed(log, "admin refund: payment look-up", err);
	}
	const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
	return charge ? charge.amount_captured - charge.amount_refunded : 0;
}

function refundFact(
	deps: StripeDeps,
	order: OrderRow,
	refund: Stripe.Refund,
	paymentIntentId: string,
): Fact {
	const charge = typeof refund.charge === "object" ? refund.charge : null;
	return {
		kind: "refund",
		// Stripe's own time for the refund when it is ahead of ours: never older than what it answers.
		created: Math.max(Math.floor(deps.now() / 1000), refund.created),
		amountRefunded: charge?.amount_refunded ?? order.amountRefunded + refund.amount,
		currency: refund.currency,
		paymentIntentId,
		...(charge && { charged: charge.amount_captured }),
	};
}

/** An order paid before its PaymentIntent was recorded: its session knows it. */
async function paymentIntentOf(deps: StripeDeps, order: OrderRow, log: Logger): Promise<string> {
	const sessionId = order.stripeCheckoutSessionId;
	if (!sessionId) throw noPayment();
	let session: Stripe.Checkout.Session;
	try {
		session = await retrieveSession(deps.stripe, sessionId);
	} catch (err) {
		throw stripeCallFailed(log, "admin refund: session lookup", err);
	}
	const pi = session.payment_intent;
	const id = typeof pi === "string" ? pi : (pi?.id ?? null);
	if (!id) throw noPayment();
	return id;
}
