/**
 * The webhook baselines: the least a Stripe webhook endpoint on Workers can do.
 *
 * `POST /` verifies the signature with stripe-node (Web Crypto) and upserts
 * one row. `POST /same-io` verifies the same way, then makes the round trips
 * our webhook makes for a paid order, with nothing around them: one D1 batch
 * that claims the event and reads its ledger row and the order, one look-up of
 * the Checkout Session at Stripe (plain fetch, JSON), one D1 batch that writes
 * the transition, the outbox row, the ledger row and the order, and one queue
 * send. What the platform charges for that I/O, beside what we add to it.
 */
import Stripe from "stripe";

// The D1 surface used here, typed locally so this file also compiles with the Node types of bench/.
type D1Statement = {
	bind(...values: unknown[]): D1Statement;
	run(): Promise<unknown>;
};
type Env = {
	DB: {
		prepare(sql: string): D1Statement;
		batch(statements: D1Statement[]): Promise<{ results?: unknown[] }[]>;
	};
	QUEUE: { sendBatch(messages: { body: unknown }[]): Promise<void> };
	STRIPE_WEBHOOK_SECRET: string;
	STRIPE_API_BASE?: string;
	STRIPE_SECRET_KEY?: string;
};

const cryptoProvider = Stripe.createSubtleCryptoProvider();

const UPSERT = `insert into events (id, type, order_id, created, received_at) values (?, ?, ?, ?, ?)
	on conflict (id) do update set attempts = attempts + 1, received_at = excluded.received_at`;

async function verified(request: Request, env: Env): Promise<Stripe.Event | null> {
	const payload = await request.text();
	try {
		return await Stripe.webhooks.constructEventAsync(
			payload,
			request.headers.get("Stripe-Signature") ?? "",
			env.STRIPE_WEBHOOK_SECRET,
			300,
			cryptoProvider,
		);
	} catch {
		return null;
	}
}

async function sameIo(event: Stripe.Event, env: Env): Promise<void> {
	const session = event.data.object as { id: string; metadata?: Record<string, string> | null };
	const orderId = session.metadata?.order_id ?? "";
	const now = Date.now();
	await env.DB.batch([
		env.DB.prepare(UPSERT).bind(event.id, event.type, orderId, event.created, now),
		env.DB.prepare("select * from events where id = ?").bind(event.id),
		env.DB.prepare("select * from orders where id = ?").bind(orderId),
	]);
	const res = await fetch(
		`${env.STRIPE_API_BASE}/v1/checkout/sessions/${session.id}?expand[]=payment_intent.latest_charge`,
		{ headers: { Authorization: `Bearer ${env.STRIPE_SECRET_KEY}` } },
	);
	await res.json();
	const emailId = crypto.randomUUID();
	await env.DB.batch([
		env.DB.prepare(
			"insert into transitions (order_id, from_status, to_status, at) values (?, 'pending', 'paid', ?)",
		).bind(orderId, now),
		env.DB.prepare("insert into outbox (id, order_id, kind, created_at) values (?, ?, ?, ?)").bind(
			emailId,
			orderId,
			"order_confirmation",
			now,
		),
		env.DB.prepare("update events set attempts = attempts + 1 where id = ?").bind(event.id),
		env.DB.prepare(
			"insert into orders (id, status, version, updated_at) values (?, 'paid', 1, ?) on conflict (id) do update set status = 'paid', version = version + 1, updated_at = excluded.updated_at",
		).bind(orderId, now),
	]);
	await env.QUEUE.sendBatch([{ body: { emailId } }]);
}

export default {
	async fetch(request: Request, env: Env): Promise<Response> {
		if (request.method !== "POST") return new Response("ok");
		const event = await verified(request, env);
		if (!event) return new Response("invalid signature", { status: 400 });
		if (new URL(request.url).pathname === "/same-io") {
			await sameIo(event, env);
			return Response.json({ received: true });
		}
		const object = event.data.object as { metadata?: Record<string, string> | null };
		await env.DB.prepare(UPSERT)
			.bind(event.id, event.type, object.metadata?.order_id ?? null, event.created, Date.now())
			.run();
		return Response.json({ received: true });
	},
};
