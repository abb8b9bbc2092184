import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.ts";
import { DEMO_PROMOTION_CODES } from "../src/server.ts";
import { sessionParams, startTestEmulator, type TestEmulator } from "./helpers/emulator.ts";
import { createShopSession } from "./helpers/shop-session.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator({ promotionCodes: DEMO_PROMOTION_CODES });
});
afterAll(() => test.close());

const FUTURE_EXPIRY = `12 / ${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, "0")}`;

async function page(url: string) {
	const response = await fetch(url);
	return { status: response.status, html: await response.text() };
}

async function submit(url: string, fields: Record<string, string>) {
	const response = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams(fields).toString(),
		redirect: "manual",
	});
	return {
		status: response.status,
		location: response.headers.get("location"),
		html: await response.text(),
	};
}

const PAYMENT = {
	email: "ada@example.com",
	method: "card",
	cardNumber: "4242 4242 4242 4242",
	cardExpiry: FUTURE_EXPIRY,
	cardCvc: "123",
};
const PARIS = {
	shippingName: "Ada Lovelace",
	shippingLine1: "10 Rue de la Paix",
	shippingLine2: "",
	shippingCity: "Paris",
	shippingPostalCode: "75002",
	shippingState: "",
	shippingCountry: "FR",
	phone: "+33 6 12 34 56 78",
};

describe("the hosted page of a session that ships", () => {
	it("asks for a shipping address (countries limited to allowed_countries), a phone, and a shipping option", async () => {
		const session = await createShopSession(test);
		const { html } = await page(String(session.url));
		for (const id of [
			"phone",
			"shipping-name",
			"shipping-line1",
			"shipping-line2",
			"shipping-city",
			"shipping-postal-code",
			"shipping-state",
			"shipping-country",
			"shipping-option-0",
			"shipping-option-1",
			"promotion-code",
		]) {
			expect(html).toMatch(new RegExp(`<label[^>]*for="${id}"`));
		}
		const select = /<select id="shipping-country"[\s\S]*?<\/select>/.exec(html)?.[0] ?? "";
		expect([...select.matchAll(/<option value="(\w+)"/g)].map((match) => match[1])).toEqual([
			"US",
			"FR",
		]);
		expect(select).toContain(">France</option>");
		expect(html).toMatch(/id="shipping-option-0" name="shippingRate" value="shr_\w+" checked>/);
		expect(html).not.toMatch(/id="shipping-option-1"[^>]*checked/);
		expect(html).toContain(
			'Standard · <span class="shipping-price">$5.00</span> · <span class="delivery-estimate">3–5 business days</span>',
		);
		expect(html).toContain(
			'Express · <span class="shipping-price">$15.00</span> · <span class="delivery-estimate">1 business day</span>',
		);
		// US first in the list, no tax there: 30.00 + 5.00.
		expect(html).toMatch(/id="subtotal-amount">\$30\.00</);
		expect(html).toMatch(/id="shipping-amount">\$5\.00</);
		expect(html).toMatch(/id="tax-amount">\$0\.00</);
		expect(html).toMatch(/id="total-amount">\$35\.00</);
		expect(html).not.toContain("<script");
	});

	it("marks the state required for a country that needs one (US first here), and not for France", async () => {
		const session = await createShopSession(test);
		const { html } = await page(String(session.url));
		const label = /<label for="shipping-state">([\s\S]*?)<\/label>/.exec(html)?.[1] ?? "";
		expect(label).toContain("(required)");
		expect(html).toMatch(/id="shipping-state"[^>]*aria-required="true"/);
		// Chosen France (the page re-drawn for it, as after Update): nothing marked, nothing asked.
		const france = await submit(String(session.url), { ...PARIS, intent: "update" });
		const frLabel = /<label for="shipping-state">([\s\S]*?)<\/label>/.exec(france.html)?.[1] ?? "";
		expect(frLabel).not.toContain("(required)");
		expect(france.html).not.toMatch(/id="shipping-state"[^>]*aria-required/);
	});

	it("applies a promotion code by form post and shows the discount, or says the code is invalid", async () => {
		const session = await createShopSession(test);
		const applied = await submit(String(session.url), {
			...PAYMENT,
			...PARIS,
			shippingRate: String(session.shipping_options[1]?.shipping_rate),
			promotionCode: "welcome10",
			intent: "apply_promotion_code",
		});
		expect(applied.status).toBe(200);
		// 30.00 − 3.00, Express 15.00, 20 % tax on 27.00 + 15.00.
		expect(applied.html).toMatch(/id="discount-amount">−\$3\.00</);
		expect(applied.html).toContain("Discount (WELCOME10)");
		expect(applied.html).toMatch(/id="tax-amount">\$8\.40</);
		expect(applied.html).toMatch(/id="total-amount">\$50\.40</);
		expect(applied.html).toMatch(/id="shipping-option-1"[^>]*checked/);
		expect(applied.html).toContain('id="applied-promotion-code"');
		expect(
			(await test.stripe.checkout.sessions.retrieve(session.id)).total_details?.amount_discount,
		).toBe(300);

		const bad = await submit(String(session.url), {
			...PAYMENT,
			promotionCode: "NOPE",
			intent: "apply_promotion_code",
		});
		expect(bad.status).toBe(422);
		expect(bad.html).toMatch(
			/<p class="field-error" id="promotion-code-error" role="alert">This code is invalid\.<\/p>/,
		);
		expect(bad.html).toMatch(
			/id="promotion-code"[^>]*value="NOPE" aria-invalid="true" aria-describedby="promotion-code-error"/,
		);

		const removed = await submit(String(session.url), {
			...PAYMENT,
			intent: "remove_promotion_code",
		});
		expect(removed.html).not.toContain('id="discount-amount"');
	});

	it("pays by form post with the address, option and code, and the session, PaymentIntent and event agree", async () => {
		const session = await createShopSession(test);
		const fields = {
			...PAYMENT,
			...PARIS,
			shippingRate: String(session.shipping_options[1]?.shipping_rate),
			promotionCode: "WELCOME10",
		};
		// Express and the code were chosen just before Pay: the button showed another total,
		// so the page shows the new one first and charges nothing.
		const shown = await submit(String(session.url), fields);
		expect(shown.status).toBe(409);
		expect(shown.html).toContain("Your total changed with your choices");
		expect(shown.html).toContain("Pay $50.40");
		expect((await test.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
		const answer = await submit(String(session.url), fields);
		expect(answer.status).toBe(303);
		const paid = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		expect(paid).toMatchObject({
			status: "complete",
			payment_status: "paid",
			amount_total: 5040,
			total_details: { amount_discount: 300, amount_shipping: 1500, amount_tax: 840 },
			customer_details: { phone: "+33 6 12 34 56 78", name: "Ada Lovelace" },
			collected_information: {
				shipping_details: { name: "Ada Lovelace", address: { city: "Paris" } },
			},
		});
		expect(paid.payment_intent).toMatchObject({ amount: 5040, status: "succeeded" });
		const [event] = await emulatorClient(test.emulator.url).events({
			type: "checkout.session.completed",
			objectId: session.id,
		});
		expect(event?.data.object).toMatchObject({
			amount_total: 5040,
			discounts: [{ coupon: "WELCOME10" }],
		});
	});

	it("refuses to pay without an address or phone, pointing at the field", async () => {
		const session = await createShopSession(test);
		const noAddress = await submit(String(session.url), {
			...PAYMENT,
			...PARIS,
			shippingLine1: "",
		});
		expect(noAddress.status).toBe(422);
		expect(noAddress.html).toContain("Your address is incomplete.");
		expect(noAddress.html).toMatch(/id="shipping-line1"[^>]*aria-invalid="true"/);
		const noPhone = await submit(String(session.url), { ...PAYMENT, ...PARIS, phone: "" });
		expect(noPhone.html).toMatch(/id="phone"[^>]*aria-invalid="true"/);
		expect((await test.stripe.checkout.sessions.retrieve(session.id)).payment_intent).toBeNull();
	});

	it("shows no address step for a digital-only session", async () => {
		const session = await test.stripe.checkout.sessions.create(
			sessionParams({ allow_promotion_codes: true }),
		);
		const { html } = await page(String(session.url));
		expect(html).not.toContain('id="shipping-address"');
		expect(html).not.toContain('id="shipping-options"');
		expect(html).not.toContain('id="phone"');
		expect(html).toContain('id="promotion-code"');
		const answer = await submit(String(session.url), PAYMENT);
		expect(answer.status).toBe(303);
	});

	it("asks for no card when a code covers the whole order", async () => {
		const coupon = await test.stripe.coupons.create({ percent_off: 100 });
		await test.stripe.promotionCodes.create({
			promotion: { type: "coupon", coupon: coupon.id },
			code: "ALLFREE",
		});
		const session = await test.stripe.checkout.sessions.create(
			sessionParams({ allow_promotion_codes: true }),
		);
		const applied = await submit(String(session.url), {
			email: "ada@example.com",
			promotionCode: "ALLFREE",
			intent: "apply_promotion_code",
		});
		expect(applied.html).not.toContain('id="card-number"');
		expect(applied.html).toMatch(/<button type="submit" id="pay">Complete order<\/button>/);
		const done = await submit(String(session.url), {
			email: "ada@example.com",
			promotionCode: "ALLFREE",
		});
		expect(done.status).toBe(303);
		expect((await test.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe(
			"no_payment_required",
		);
	});

	it("speaks French for locale=fr", async () => {
		const session = await createShopSession(test, { locale: "fr" });
		const { html } = await page(String(session.url));
		expect(html).toContain('<html lang="fr">');
		expect(html).toContain("Adresse de livraison");
		expect(html).toContain("3 à 5 jours ouvrés");
		expect(html).toMatch(/<button type="submit" id="pay">Payer 35,00\s\$US<\/button>/);
	});

	it("says declines and form problems in French for locale=fr, the API staying English", async () => {
		const session = await createShopSession(test, { locale: "fr" });
		const noCity = await submit(String(session.url), { ...PAYMENT, ...PARIS, shippingCity: "" });
		expect(noCity.status).toBe(422);
		expect(noCity.html).toContain("Votre ville est obligatoire.");
		const declined = await submit(String(session.url), {
			...PAYMENT,
			...PARIS,
			cardNumber: "4000 0000 0000 9995",
		});
		expect(declined.status).toBe(402);
		expect(declined.html).toMatch(
			/id="payment-error">Les fonds de votre carte sont insuffisants\.</,
		);
		const retrieved = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		const intent = retrieved.payment_intent as { last_payment_error: { message: string } };
		expect(intent.last_payment_error.message).toBe("Your card has insufficient funds.");
	});
});
