import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { eventTypesFor, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

const control = () => emulatorClient(test.emulator.url);

function newCustomer(overrides: Stripe.CustomerCreateParams = {}) {
	return test.stripe.customers.create({
		email: "ada@example.com",
		preferred_locales: ["fr"],
		metadata: { customer_id: crypto.randomUUID() },
		...overrides,
	});
}

describe("Customers", () => {
	it("creates, retrieves and updates a customer, with customer.created and customer.updated", async () => {
		const created = await newCustomer();
		expect(created).toMatchObject({
			object: "customer",
			email: "ada@example.com",
			preferred_locales: ["fr"],
			invoice_settings: { default_payment_method: null },
			address: null,
			shipping: null,
			livemode: false,
		});
		expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
		expect(await test.stripe.customers.retrieve(created.id)).toEqual(
			expect.objectContaining({ id: created.id, email: "ada@example.com" }),
		);
		const address = {
			line1: "10 Rue de la Paix",
			city: "Paris",
			postal_code: "75002",
			country: "FR",
		};
		const updated = await test.stripe.customers.update(created.id, {
			email: "ada@lovelace.test",
			preferred_locales: ["en"],
			metadata: { tier: "gold" },
			address,
			shipping: { name: "Ada Lovelace", address },
		});
		expect(updated).toMatchObject({
			email: "ada@lovelace.test",
			preferred_locales: ["en"],
			metadata: { customer_id: created.metadata.customer_id, tier: "gold" },
			address: { ...address, line2: null, state: null },
			shipping: { name: "Ada Lovelace", phone: null, address: { city: "Paris" } },
		});
		expect(await eventTypesFor(test, created.id)).toEqual(["customer.created", "customer.updated"]);
		const [, event] = await control().events({ objectId: created.id });
		expect(event?.data.previous_attributes).toMatchObject({
			email: "ada@example.com",
			preferred_locales: ["fr"],
			address: null,
		});
		// Nothing changed: no event.
		await test.stripe.customers.update(created.id, { email: "ada@lovelace.test" });
		expect(await eventTypesFor(test, created.id)).toHaveLength(2);
	});

	it("replays a create with the same Idempotency-Key: one customer", async () => {
		const params = { email: "grace@example.com", metadata: { customer_id: crypto.randomUUID() } };
		const key = `customer-${params.metadata.customer_id}`;
		const first = await test.stripe.customers.create(params, { idempotencyKey: key });
		const again = await test.stripe.customers.create(params, { idempotencyKey: key });
		expect(again.id).toBe(first.id);
		expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
		const listed = await test.stripe.customers.list({ email: "grace@example.com", limit: 100 });
		expect(listed.data.map((customer) => customer.id)).toEqual([first.id]);
	});

	it("refuses an unknown customer, a bad email and a default card that is not attached", async () => {
		const missing = await stripeError(test.stripe.customers.retrieve("cus_missing"));
		expect(missing.statusCode).toBe(404);
		expect(missing.code).toBe("resource_missing");
		const email = await stripeError(test.stripe.customers.create({ email: "nope" }));
		expect(email.param).toBe("email");
		const customer = await newCustomer();
		const foreign = await control().saveCard((await newCustomer()).id);
		const error = await stripeError(
			test.stripe.customers.update(customer.id, {
				invoice_settings: { default_payment_method: foreign.paymentMethod.id },
			}),
		);
		expect(error.param).toBe("invoice_settings[default_payment_method]");
	});

	it("lists, retrieves and detaches payment methods; detaching the default clears it", async () => {
		const customer = await newCustomer();
		const first = await control().saveCard(customer.id, { expiry: "12/34" });
		const second = await control().saveCard(customer.id, { card: "4000000000000341" });
		const withDefault = await test.stripe.customers.update(customer.id, {
			invoice_settings: { default_payment_method: second.paymentMethod.id },
		});
		expect(withDefault.invoice_settings.default_payment_method).toBe(second.paymentMethod.id);
		const list = await test.stripe.customers.listPaymentMethods(customer.id, { type: "card" });
		expect(list.data.map((method) => method.id)).toEqual([
			second.paymentMethod.id,
			first.paymentMethod.id,
		]);
		const method = await test.stripe.paymentMethods.retrieve(first.paymentMethod.id);
		expect(method).toMatchObject({
			object: "payment_method",
			customer: customer.id,
			allow_redisplay: "always",
			card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2034 },
		});
		// The test number stays inside the emulator.
		expect(JSON.stringify(method)).not.toContain("4242424242424242");

		const detached = await test.stripe.paymentMethods.detach(second.paymentMethod.id);
		expect(detached.customer).toBeNull();
		const after = await test.stripe.customers.retrieve(customer.id);
		expect((after as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();
		const types = (await control().events())
			.filter((event) => event.type !== "customer.created")
			.filter((event) =>
				[customer.id, second.paymentMethod.id].includes(
					String((event.data.object as { id: string }).id),
				),
			)
			.map((event) => event.type);
		expect(types).toEqual([
			"payment_method.attached",
			"customer.updated",
			"payment_method.detached",
			"customer.updated",
		]);
		const again = await stripeError(test.stripe.paymentMethods.detach(second.paymentMethod.id));
		expect(again.statusCode).toBe(400);
		expect(
			(await test.stripe.customers.listPaymentMethods(customer.id)).data.map((m) => m.id),
		).toEqual([first.paymentMethod.id]);
	});
});
