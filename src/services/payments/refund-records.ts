import { asc, eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db } from "../../db/client.ts";
import { refundRequests, refunds } from "../../db/schema.ts";
import type { RefundSource } from "../../domain/vocabulary.ts";
import type { StripeClient } from "../../lib/stripe.ts";
import { isoTime } from "../../lib/time.ts";

/**
 * The record of every refund of an order (README "Operating the shop"). A
 * refund is keyed by Stripe's id, so the admin's own call, its `charge.refunded`
 * event and reconciliation's look-up, in any order and any number of times,
 * leave one row, its status the latest Stripe told. Who made it is told by the
 * refund itself (the metadata the console puts on its refunds), so the row says
 * the same whichever path wrote it first.
 */

/** Put on every refund the console makes: the mark that tells `admin` from `dashboard`. */
export const ADMIN_REFUND_METADATA = { refunded_by: "shop_admin" } as const;

export function refundSource(refund: Stripe.Refund): RefundSource {
	return refund.metadata?.refunded_by === ADMIN_REFUND_METADATA.refunded_by ? "admin" : "dashboard";
}

/** Records (or updates the status of) each refund of one order. */
export async function recordRefunds(
	db: Db,
	orderId: string,
	list: readonly Stripe.Refund[],
	nowMs: number,
): Promise<void> {
	if (list.length === 0) return;
	await db
		.insert(refunds)
		.values(
			list.map((r) => ({
				id: r.id,
				orderId,
				amount: r.amount,
				currency: r.currency,
				status: r.status ?? "pending",
				reason: r.reason ?? null,
				source: refundSource(r),
				createdAt: r.created * 1000,
				updatedAt: nowMs,
			})),
		)
		.onConflictDoUpdate({
			target: refunds.id,
			set: {
				status: sql`excluded.status`,
				reason: sql`excluded.reason`,
				updatedAt: sql`excluded.updated_at`,
			},
		});
}

/**
 * The refunds of a charge: those the charge carries when it lists them all,
 * else Stripe's list for its PaymentIntent (one call; API versions since
 * 2022-11-15 leave `refunds` out unless expanded).
 */
export async function refundsOfCharge(
	stripe: StripeClient,
	charge: Stripe.Charge,
): Promise<Stripe.Refund[]> {
	if (charge.refunds && !charge.refunds.has_more) return charge.refunds.data;
	const paymentIntent =
		typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
	const list = await stripe.refunds.list(
		paymentIntent
			? { payment_intent: paymentIntent, limit: 100 }
			: { charge: charge.id, limit: 100 },
	);
	return list.data;
}

/** Units of a product a refund puts back in stock. */
export type Restock = { productId: string; quantity: number };

/** A request's stored restock, read back (an unreadable one is none). */
export function restockOf(stored: string | null): Restock[] {
	if (!stored) return [];
	try {
		return JSON.parse(stored) as Restock[];
	} catch {
		return [];
	}
}

/** An order's refunds for the operator, oldest first, with the console's note and restock. */
export async function refundsOf(db: Db, orderId: string) {
	const rows = await db
		.select({ refund: refunds, note: refundRequests.note, restock: refundRequests.restock })
		.from(refunds)
		// The console's own request, when it made it: the operator's note and what went back in stock.
		.leftJoin(refundRequests, eq(refundRequests.refundId, refunds.id))
		.where(eq(refunds.orderId, orderId))
		// Stripe's times are in seconds: within one, the first recorded first.
		.orderBy(asc(refunds.createdAt), sql`${refunds}.rowid`);
	return rows.map(({ refund: r, note, restock }) => ({
		id: r.id,
		amount: r.amount,
		currency: r.currency,
		status: r.status,
		reason: r.reason,
		source: r.source,
		note: note ?? null,
		restock: restockOf(restock ?? null),
		at: isoTime(r.createdAt),
	}));
}
