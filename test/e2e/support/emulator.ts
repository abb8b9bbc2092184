/** The Stripe emulator's control API (emulator/README.md), for state checks and webhook modes. */

export type WebhookMode = "normal" | "drop" | "duplicate" | "hold" | "reverse";

export type Delivery = {
	eventId: string;
	eventType: string;
	attempt: number;
	status: number | null;
	ok: boolean;
	note: "dropped" | "held" | "manual" | null;
};

export type EmittedEvent = { id: string; type: string };

export type SessionView = {
	id: string;
	status: string;
	payment_status: string;
	amount_total: number;
	currency: string;
	url: string | null;
	metadata: { order_id?: string };
};

export function emulatorControl(emulatorUrl: string) {
	async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${emulatorUrl}${path}`, {
			method,
			headers: body === undefined ? {} : { "content-type": "application/json" },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`emulator ${method} ${path}: HTTP ${response.status} ${text}`);
		return JSON.parse(text) as T;
	}

	return {
		setWebhookMode: (mode: WebhookMode) => call("POST", "/_emulator/webhooks", { mode }),
		/** Resolves when no delivery is queued, in flight or waiting for a retry. */
		drainWebhooks: () => call("POST", "/_emulator/webhooks/drain"),
		/** How long new bank debits take to settle. */
		setDelayedPaymentMs: (delayMs: number) => call("POST", "/_emulator/delayed", { delayMs }),
		settleDelayedPayments: (sessionId: string) =>
			call<{ settled: number }>("POST", "/_emulator/delayed/settle", { sessionId }),
		async eventsForOrder(orderId: string): Promise<EmittedEvent[]> {
			const { data } = await call<{ data: EmittedEvent[] }>(
				"GET",
				`/_emulator/events?order_id=${encodeURIComponent(orderId)}`,
			);
			return data;
		},
		async eventsForObject(objectId: string): Promise<EmittedEvent[]> {
			const { data } = await call<{ data: EmittedEvent[] }>(
				"GET",
				`/_emulator/events?object_id=${encodeURIComponent(objectId)}`,
			);
			return data;
		},
		/** Every delivery attempt so far, oldest first. */
		async allDeliveries(): Promise<Delivery[]> {
			const { data } = await call<{ data: Delivery[] }>("GET", "/_emulator/deliveries");
			return data;
		},
		async deliveries(eventId: string): Promise<Delivery[]> {
			const { data } = await call<{ data: Delivery[] }>(
				"GET",
				`/_emulator/deliveries?event_id=${encodeURIComponent(eventId)}`,
			);
			return data;
		},
		/** The Checkout Session as the Stripe API shows it (the emulator takes any test key). */
		async session(sessionId: string): Promise<SessionView> {
			const response = await fetch(
				`${emulatorUrl}/v1/checkout/sessions/${encodeURIComponent(sessionId)}`,
				{ headers: { authorization: "Bearer sk_test_emulator" } },
			);
			if (!response.ok) throw new Error(`session ${sessionId}: HTTP ${response.status}`);
			return (await response.json()) as SessionView;
		},
	};
}
