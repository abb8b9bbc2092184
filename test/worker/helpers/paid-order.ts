import { expect } from "vitest";
import { checkout } from "./checkout.ts";
import { getOrder } from "./db.ts";
import { emulator } from "./emulator.ts";
import { deliver } from "./webhooks.ts";

/** A session paid at the emulator, its `checkout.session.completed` delivered to the worker. */
export async function payAndDeliver(sessionId: string): Promise<void> {
	await emulator.pay(sessionId);
	const [completed] = await emulator.events({
		objectId: sessionId,
		type: "checkout.session.completed",
	});
	if (!completed) throw new Error("no checkout.session.completed at the emulator");
	expect((await deliver(completed)).status).toBe(200);
}

/**
 * A real checkout (by default 2 × espresso beans, $48.00), paid at the emulator,
 * its webhook delivered.
 */
export async function paidOrder(
	items = [{ productId: "espresso-beans", quantity: 2 }],
	amount = 4800,
) {
	const { orderId, sessionId } = await checkout(items);
	await payAndDeliver(sessionId);
	const order = await getOrder(orderId);
	expect(order).toMatchObject({ status: "paid", amount, amountRefunded: 0 });
	if (!order.stripePaymentIntentId) throw new Error("no PaymentIntent recorded");
	return { orderId, sessionId, paymentIntentId: order.stripePaymentIntentId };
}
