import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchWithEnv } from "./helpers/app.ts";
import { alertsOf, getOrder, insertOrder } from "./helpers/db.ts";
import { completedSession, stripeEvent } from "./helpers/stripe-objects.ts";
import { signature } from "./helpers/webhooks.ts";

const ALERT_URL = "https://alerts.example.com/hook";

async function webhookRequest(event: ReturnType<typeof stripeEvent>) {
	const payload = JSON.stringify(event);
	return new Request("https://shop.test/webhook", {
		method: "POST",
		headers: { "content-type": "application/json", "stripe-signature": await signature(payload) },
		body: payload,
	});
}

/** The real fetch for everything but the alert hook, which answers `answer`. */
function interceptAlerts(answer: () => Promise<Response>) {
	const realFetch = globalThis.fetch;
	return vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
		const url = input instanceof Request ? input.url : String(input);
		return url === ALERT_URL ? answer() : realFetch(input, init);
	});
}

afterEach(() => vi.restoreAllMocks());

describe("alerts", () => {
	it("records an alert and POSTs it as JSON to ALERT_WEBHOOK_URL", async () => {
		const spy = interceptAlerts(async () => new Response("ok"));
		const order = await insertOrder();
		const mismatch = stripeEvent(
			"checkout.session.completed",
			completedSession({ orderId: order.id, amount_subtotal: 1, amount_total: 1 }),
		);
		const res = await fetchWithEnv(await webhookRequest(mismatch), {
			ALERT_WEBHOOK_URL: ALERT_URL,
		});
		expect(res.status).toBe(200);
		const call = spy.mock.calls.find(
			([input]) => String(input instanceof Request ? input.url : input) === ALERT_URL,
		);
		expect(call).toBeDefined();
		const init = call?.[1] as RequestInit;
		expect(init.method).toBe("POST");
		expect(new Headers(init.headers).get("content-type")).toBe("application/json");
		expect(JSON.parse(String(init.body))).toEqual({
			kind: "amount_mismatch",
			orderId: order.id,
			message: expect.stringContaining("$0.01"),
		});
		expect(await alertsOf(order.id)).toHaveLength(1);
	});

	it("never breaks payment handling when the alert hook fails", async () => {
		interceptAlerts(() => Promise.reject(new Error("alert hook unreachable")));
		const order = await insertOrder({ status: "canceled" });
		const late = stripeEvent("checkout.session.completed", completedSession({ orderId: order.id }));
		const res = await fetchWithEnv(await webhookRequest(late), { ALERT_WEBHOOK_URL: ALERT_URL });
		expect(res.status).toBe(200);
		expect((await getOrder(order.id)).status).toBe("paid");
		expect(await alertsOf(order.id)).toMatchObject([{ kind: "paid_after_close" }]);
	});
});

describe("the alert hook answering an error", () => {
	it("logs the status (never the alert's URL or body) and still applies the payment", async () => {
		interceptAlerts(async () => new Response("nope", { status: 503 }));
		const errors: string[] = [];
		vi.spyOn(console, "error").mockImplementation(
			(line: unknown) => void errors.push(String(line)),
		);
		const order = await insertOrder({ status: "canceled" });
		const late = stripeEvent("checkout.session.completed", completedSession({ orderId: order.id }));
		const res = await fetchWithEnv(await webhookRequest(late), { ALERT_WEBHOOK_URL: ALERT_URL });
		expect(res.status).toBe(200);
		expect((await getOrder(order.id)).status).toBe("paid");
		const logged = errors.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(logged).toContainEqual(
			expect.objectContaining({ message: "alert webhook answered an error", status: 503 }),
		);
		expect(errors.join("\n")).not.toContain(ALERT_URL);
	});
});

describe("logs", () => {
	it("writes one JSON object per line, each with the request id, and no secret", async () => {
		const lines: string[] = [];
		for (const level of ["log", "warn", "error"] as const) {
			vi.spyOn(console, level).mockImplementation((line: unknown) => void lines.push(String(line)));
		}
		const order = await insertOrder();
		const res = await fetchWithEnv(
			await webhookRequest(
				stripeEvent("checkout.session.completed", completedSession({ orderId: order.id })),
			),
			{},
		);
		const requestId = res.headers.get("x-request-id");
		expect(requestId).toBeTruthy();
		expect(lines.length).toBeGreaterThan(0);
		for (const line of lines) {
			const entry = JSON.parse(line) as Record<string, unknown>;
			expect(entry.requestId).toBe(requestId);
			expect(line).not.toMatch(/whsec_|sk_test_|sk_live_/);
		}
	});
});

describe("database errors in logs and the webhook ledger", () => {
	it("keep the database's own message, never drizzle's quoted SQL and bound parameters", async () => {
		const { DrizzleQueryError } = await import("drizzle-orm");
		const { describeError, errorMessage } = await import("../../src/lib/log.ts");
		const secretUrl = "https://checkout.stripe.com/c/pay/cs_test_secret#fragment";
		const err = new DrizzleQueryError(
			'update "orders" set "checkout_url" = ? where "id" = ?',
			[secretUrl, "order-1"],
			new Error("D1_ERROR: Network connection lost."),
		);
		expect(err.message).toContain(secretUrl); // what drizzle itself would have let through
		expect(errorMessage(err)).toBe("D1_ERROR: Network connection lost.");
		expect(JSON.stringify(describeError(err))).not.toMatch(/checkout_url|cs_test_secret|order-1/);
	});
});
