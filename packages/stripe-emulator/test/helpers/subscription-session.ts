import type Stripe from "stripe";
import { emulatorClient, type PayInput } from "../../src/client.ts";
import type { TestEmulator } from "./emulator.ts";

type Overrides = Partial<Stripe.Checkout.SessionCreateParams>;

/**
 * The subscription session the shop asks for: one plan (30.00 a month unless told), its
 * product's id in metadata, the customer's and product's ids on the session and on the
 * subscription, with per-test overrides.
 */
export function subscriptionParams(
	customer: string,
	overrides: Overrides = {},
	plan: { amount?: number; interval?: "month" | "year"; quantity?: number } = {},
): Stripe.Checkout.SessionCreateParams {
	const ids = { customer_id: `c-${customer.slice(-6)}`, product_id: "beans-club" };
	return {
		mode: "subscription",
		customer,
		line_items: [
			{
				quantity: plan.quantity ?? 1,
				price_data: {
					currency: "usd",
					unit_amount: plan.amount ?? 3000,
					recurring: { interval: plan.interval ?? "month" },
					product_data: {
						name: "Beans club",
						description: "A bag of beans every month",
						metadata: { product_id: "beans-club" },
					},
				},
			},
		],
		metadata: ids,
		subscription_data: { metadata: ids },
		success_url: "https://shop.test/account/subscriptions?session_id={CHECKOUT_SESSION_ID}",
		cancel_url: "https://shop.test/beans-club",
		locale: "en",
		expires_at: Math.floor(Date.now() / 1000) + 3600,
		...overrides,
	};
}

/** A Customer (with an email) as the shop makes one. */
export function createCustomer(test: TestEmulator, email = "ada@example.com") {
	return test.stripe.customers.create({ email, metadata: { customer_id: crypto.randomUUID() } });
}

/** A Customer subscribed through Checkout (paid with the control API, 4242 unless told). */
export async function subscribe(
	test: TestEmulator,
	options: { overrides?: Overrides; pay?: PayInput; quantity?: number } = {},
) {
	const customer = await createCustomer(test);
	const session = await test.stripe.checkout.sessions.create(
		subscriptionParams(customer.id, options.overrides, { quantity: options.quantity }),
	);
	const paid = await emulatorClient(test.emulator.url).pay(session.id, options.pay);
	if (!paid.subscription || !paid.invoice) {
		throw new Error(`subscription checkout ${paid.outcome}: ${JSON.stringify(paid.error)}`);
	}
	return {
		customer,
		session: paid.session,
		subscription: paid.subscription,
		invoice: paid.invoice,
	};
}
