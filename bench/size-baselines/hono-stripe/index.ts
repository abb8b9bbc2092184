// Size baseline: Hono plus stripe-node, used the way the shop uses it (client, fetch, webhooks).
import { Hono } from "hono";
import Stripe from "stripe";

type Bindings = { STRIPE_SECRET_KEY: string; STRIPE_WEBHOOK_SECRET: string };

const app = new Hono<{ Bindings: Bindings }>();
const cryptoProvider = Stripe.createSubtleCryptoProvider();

app.get("/", async (c) => {
	const stripe = new Stripe(c.env.STRIPE_SECRET_KEY, {
		httpClient: Stripe.createFetchHttpClient(),
	});
	const session = await stripe.checkout.sessions.retrieve(c.req.query("id") ?? "");
	return c.json({ status: session.status });
});

app.post("/webhook", async (c) => {
	const event = await Stripe.webhooks.constructEventAsync(
		await c.req.text(),
		c.req.header("Stripe-Signature") ?? "",
		c.env.STRIPE_WEBHOOK_SECRET,
		300,
		cryptoProvider,
	);
	return c.json({ type: event.type });
});

export default app;
