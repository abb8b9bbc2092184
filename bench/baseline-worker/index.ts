/**
 * The webhook baseline: the least a Stripe webhook endpoint on Workers can do.
 * Verifies the signature with stripe-node (Web Crypto) and upserts one row.
 */
import Stripe from "stripe";

// The D1 surface used here, typed locally so this file also compiles with the Node types of bench/.
type D1Statement = { bind(...values: unknown[]): { run(): Promise<unknown> } };
type Env = { DB: { prepare(sql: string): D1Statement }; STRIPE_WEBHOOK_SECRET: string };

const cryptoProvider = Stripe.createSubtleCryptoProvider();

const UPSERT = `insert into events (id, type, order_id, created, received_at) values (?, ?, ?, ?, ?)
	on conflict (id) do update set attempts = attempts + 1, received_at = excluded.received_at`;

export default {
	async fetch(request: Request, env: Env): Promise<Response> {
		if (request.method !== "POST") return new Response("ok");
		const payload = await request.text();
		let event: Stripe.Event;
		try {
			event = await Stripe.webhooks.constructEventAsync(
				payload,
				request.headers.get("Stripe-Signature") ?? "",
				env.STRIPE_WEBHOOK_SECRET,
				300,
				cryptoProvider,
			);
		} catch {
			return new Response("invalid signature", { status: 400 });
		}
		const object = event.data.object as { metadata?: Record<string, string> | null };
		await env.DB.prepare(UPSERT)
			.bind(event.id, event.type, object.metadata?.order_id ?? null, event.created, Date.now())
			.run();
		return Response.json({ received: true });
	},
};
