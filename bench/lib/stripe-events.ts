/**
 * Pending orders for D1 and the `checkout.session.completed` events that pay
 * them, shaped like Stripe's (from its own fixtures) and really signed.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

// Stripe's own fixtures, copied unchanged into the repo.
const FIXTURES = new URL("../../packages/stripe-emulator/test/fixtures/stripe", import.meta.url)
	.pathname;
const API_VERSION = "2026-10-28.endive";

type Json = Record<string, unknown>;
const readFixture = (name: string): Json =>
	JSON.parse(readFileSync(`${FIXTURES}/${name}.json`, "utf8")) as Json;

export type BenchOrder = {
	id: string;
	sessionId: string;
	paymentIntentId: string;
	amount: number;
	currency: string;
};

const token = (n: number) => randomBytes(n).toString("base64url").replace(/[-_]/g, "x");

/** `count` pending orders for one product (espresso beans, 24.00 USD), each with its session. */
export function makeOrders(count: number): BenchOrder[] {
	return Array.from({ length: count }, () => ({
		id: randomUUID(),
		sessionId: `cs_test_${token(42)}`,
		paymentIntentId: `pi_${token(18)}`,
		amount: 2400,
		currency: "usd",
	}));
}

const sqlText = (value: string | null) =>
	value === null ? "null" : `'${value.replaceAll("'", "''")}'`;

/**
 * Multi-row inserts of the orders as `startCheckout` leaves them: pending,
 * session created, one item, placed on a local shop (its origin, which the
 * e-mails link to when APP_URL is unset).
 */
export function ordersSql(orders: BenchOrder[], nowMs: number): string {
	const lines: string[] = [];
	const chunk = 200;
	for (let i = 0; i < orders.length; i += chunk) {
		const part = orders.slice(i, i + chunk);
		const orderRows = part.map(
			(o, j) =>
				`(${sqlText(o.id)}, 'pending', ${o.amount}, ${o.amount}, ${sqlText(o.currency)}, ${sqlText(`usd|espresso-beans*1@${o.amount}`)}, 'http://127.0.0.1:8787', ${sqlText(o.sessionId)}, ${sqlText(`https://checkout.example/pay/${o.sessionId}`)}, ${nowMs + 3_600_000}, ${nowMs - 60_000 + i + j}, ${nowMs - 60_000 + i + j})`,
		);
		lines.push(
			`insert into orders (id, status, amount, subtotal, currency, items_key, origin, stripe_checkout_session_id, checkout_url, checkout_expires_at, created_at, updated_at) values\n${orderRows.join(",\n")};`,
		);
		const itemRows = part.map(
			(o) => `(${sqlText(o.id)}, 'espresso-beans', 'Espresso beans, 1 kg', ${o.amount}, 1)`,
		);
		lines.push(
			`insert into order_items (order_id, product_id, name, unit_amount, quantity) values\n${itemRows.join(",\n")};`,
		);
	}
	return `${lines.join("\n")}\n`;
}

const sessionFixture = readFixture("checkout.session");
const eventFixture = readFixture("event");

/** The event Stripe sends when the order's Checkout Session is paid by card, pretty-printed as Stripe does. */
export function completedEventPayload(order: BenchOrder, createdSec: number): string {
	const session: Json = structuredClone(sessionFixture);
	Object.assign(session, {
		id: order.sessionId,
		amount_subtotal: order.amount,
		amount_total: order.amount,
		// A digital product paid by card: nothing taken off, shipped or taxed.
		total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
		shipping_cost: null,
		collected_information: null,
		client_reference_id: order.id,
		created: createdSec - 60,
		currency: order.currency,
		customer_email: null,
		expires_at: createdSec + 3600,
		livemode: false,
		metadata: { order_id: order.id },
		mode: "payment",
		payment_intent: order.paymentIntentId,
		payment_status: "paid",
		status: "complete",
		success_url: "http://127.0.0.1/success.html?session_id={CHECKOUT_SESSION_ID}",
		cancel_url: `http://127.0.0.1/cancel.html?order_id=${order.id}`,
		url: null,
	});
	const event: Json = structuredClone(eventFixture);
	Object.assign(event, {
		id: `evt_${token(24)}`,
		api_version: API_VERSION,
		created: createdSec,
		data: { object: session },
		livemode: false,
		pending_webhooks: 1,
		request: { id: null, idempotency_key: null },
		type: "checkout.session.completed",
	});
	return JSON.stringify(event, null, 2);
}

/** `Stripe-Signature` for a payload, as Stripe computes it: HMAC-SHA256 over `${t}.${payload}`. */
export function signatureHeader(payload: string, secret: string, timestampSec: number): string {
	const v1 = createHmac("sha256", secret).update(`${timestampSec}.${payload}`).digest("hex");
	return `t=${timestampSec},v1=${v1}`;
}

/**
 * Gives each order a real Checkout Session at the emulator (one line of 24.00
 * USD, the order's id in its metadata), as checkout leaves it: the webhook then
 * looks up a session that exists, as it does against Stripe.
 */
export async function sessionsAtEmulator(
	emulatorUrl: string,
	orders: BenchOrder[],
	secretKey: string,
): Promise<void> {
	let next = 0;
	const one = async (order: BenchOrder) => {
		const body = new URLSearchParams({
			mode: "payment",
			"line_items[0][quantity]": "1",
			"line_items[0][price_data][currency]": order.currency,
			"line_items[0][price_data][unit_amount]": String(order.amount),
			"line_items[0][price_data][product_data][name]": "Espresso beans, 1 kg",
			success_url: "http://127.0.0.1/success.html?session_id={CHECKOUT_SESSION_ID}",
			cancel_url: `http://127.0.0.1/cancel.html?order_id=${order.id}`,
			"metadata[order_id]": order.id,
		});
		const res = await fetch(`${emulatorUrl}/v1/checkout/sessions`, {
			method: "POST",
			headers: {
				Authorization: `Bearer ${secretKey}`,
				"Content-Type": "application/x-www-form-urlencoded",
			},
			body,
		});
		const session = (await res.json()) as { id?: string };
		if (!res.ok || !session.id) throw new Error(`the emulator made no session: HTTP ${res.status}`);
		order.sessionId = session.id;
	};
	await Promise.all(
		Array.from({ length: 16 }, async () => {
			while (next < orders.length) await one(orders[next++] as BenchOrder);
		}),
	);
}
