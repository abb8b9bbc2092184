import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	eventTypesFor,
	sessionParams,
	startTestEmulator,
	type TestEmulator,
} from "./helpers/emulator.ts";
import { stripeError } from "./helpers/errors.ts";

let test: TestEmulator;
beforeAll(async () => {
	test = await startTestEmulator();
});
afterAll(() => test.close());

const FUTURE_EXPIRY = `12 / ${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, "0")}`;

async function page(url: string) {
	const response = await fetch(url);
	return { status: response.status, html: await response.text(), headers: response.headers };
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

function card(number: string): Record<string, string> {
	return {
		email: "ada@example.com",
		method: "card",
		cardNumber: number,
		cardExpiry: FUTURE_EXPIRY,
		cardCvc: "123",
	};
}

async function jpySession() {
	return test.stripe.checkout.sessions.create(
		sessionParams({
			line_items: [
				{
					price_data: { currency: "jpy", unit_amount: 1500, product_data: { name: "Matcha" } },
					quantity: 1,
				},
				{
					price_data: {
						currency: "jpy",
						unit_amount: 250,
						product_data: { name: "<b>Sweets</b>" },
					},
					quantity: 2,
				},
			],
		}),
	);
}

describe("the hosted checkout page", () => {
	it("shows the line items and total, formatting zero-decimal currencies without cents", async () => {
		const session = await jpySession();
		const { status, html, headers } = await page(String(session.url));
		expect(status).toBe(200);
		expect(headers.get("content-type")).toMatch(/^text\/html/);
		expect(html).toContain("Matcha × 1");
		expect(html).toContain("¥1,500");
		expect(html).toContain("¥500");
		expect(html).toMatch(/id="total-amount">¥2,000</);
		expect(html).not.toContain("¥15.00");
		expect(html).toContain("&lt;b&gt;Sweets&lt;/b&gt;");
	});

	it("has labelled fields with stable ids and a back link to cancel_url", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const { html } = await page(String(session.url));
		for (const id of [
			"email",
			"card-number",
			"card-expiry",
			"card-cvc",
			"method-card",
			"delayed-success",
			"delayed-failure",
		]) {
			expect(html).toContain(`id="${id}"`);
			expect(html).toMatch(new RegExp(`<label[^>]*for="${id}"`));
		}
		expect(html).toMatch(/<button type="submit" id="pay">Pay \$30\.00<\/button>/);
		expect(html).toContain(
			`<a id="back" href="${String(session.cancel_url).replaceAll("&", "&amp;")}">← Back</a>`,
		);
		expect(html).toContain('<meta name="viewport"');
	});

	it("re-renders a declined card with the error in an alert and keeps the session open", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const answer = await submit(String(session.url), card("4000 0000 0000 9995"));
		expect(answer.status).toBe(402);
		expect(answer.html).toMatch(
			/<div role="alert" id="payment-error">Your card has insufficient funds\.<\/div>/,
		);
		expect(answer.html).toContain('value="ada@example.com"');
		expect((await test.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
	});

	it("redirects 303 to success_url with the session id filled in after 4242", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const answer = await submit(String(session.url), card("4242 4242 4242 4242"));
		expect(answer.status).toBe(303);
		expect(answer.location).toBe(`http://shop.test/success.html?session_id=${session.id}`);
		const paid = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(paid).toMatchObject({ status: "complete", payment_status: "paid" });
		expect(paid.customer_details?.email).toBe("ada@example.com");
	});

	it("checks the form like Stripe's page before any attempt", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const past = await submit(String(session.url), {
			...card("4242424242424242"),
			cardExpiry: "01/20",
		});
		expect(past.status).toBe(422);
		expect(past.html).toContain("expiration date is in the past.");
		expect(past.html).toMatch(/id="card-expiry"[^>]*aria-invalid="true"/);
		const noEmail = await submit(String(session.url), { ...card("4242424242424242"), email: "" });
		expect(noEmail.html).toContain("Your email address is invalid.");
		expect(await eventTypesFor(test, session.id)).toEqual([]);
	});

	it("takes a delayed bank debit and redirects to success_url while it processes", async () => {
		const session = await test.stripe.checkout.sessions.create(sessionParams());
		const answer = await submit(String(session.url), {
			email: "ada@example.com",
			method: "delayed_success",
		});
		expect(answer.status).toBe(303);
		const processing = await test.stripe.checkout.sessions.retrieve(session.id, {
			expand: ["payment_intent"],
		});
		expect(processing).toMatchObject({ status: "complete", payment_status: "unpaid" });
		const { html } = await page(`${test.emulator.url}/pay/${session.id}`);
		expect(html).toContain("Payment processing");
	});

	it("shows a clear page for completed, expired and unknown sessions", async () => {
		const done = await test.stripe.checkout.sessions.create(sessionParams());
		await test.control("POST", `/_emulator/sessions/${done.id}/pay`);
		expect((await page(`${test.emulator.url}/pay/${done.id}`)).html).toContain("Payment complete");

		const gone = await test.stripe.checkout.sessions.create(sessionParams());
		await test.stripe.checkout.sessions.expire(gone.id);
		const expired = await page(`${test.emulator.url}/pay/${gone.id}`);
		expect(expired.html).toContain("This checkout session has expired");
		const late = await submit(`${test.emulator.url}/pay/${gone.id}`, card("4242424242424242"));
		expect(late.status).toBe(409);

		expect((await page(`${test.emulator.url}/pay/cs_test_unknown`)).status).toBe(404);
	});
});

describe("the terms of service box (consent_collection)", () => {
	const termsSession = () =>
		test.stripe.checkout.sessions.create({
			...sessionParams(),
			consent_collection: { terms_of_service: "required" },
			custom_text: {
				terms_of_service_acceptance: {
					message: "J’accepte les [conditions de vente](https://shop.test/pages/terms?lang=fr).",
				},
			},
		});

	it("shows the session's words with their link, and takes no payment until it is ticked", async () => {
		const session = await termsSession();
		expect(session.consent_collection).toMatchObject({ terms_of_service: "required" });
		expect(session.custom_text.terms_of_service_acceptance?.message).toContain("conditions");
		const url = session.url ?? "";
		const { html } = await page(url);
		expect(html).toContain(
			'<input type="checkbox" id="terms" name="terms" value="accepted" required>',
		);
		expect(html).toContain(
			'<a href="https://shop.test/pages/terms?lang=fr" target="_blank" rel="noopener">conditions de vente</a>',
		);

		const unticked = await submit(url, card("4242424242424242"));
		expect(unticked.status).toBe(422);
		expect(unticked.html).toContain(
			'id="terms" name="terms" value="accepted" required aria-invalid="true"',
		);
		const still = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(still).toMatchObject({ status: "open", payment_intent: null, consent: null });

		const paid = await submit(url, { ...card("4242424242424242"), terms: "accepted" });
		expect(paid.status).toBe(303);
		const done = await test.stripe.checkout.sessions.retrieve(session.id);
		expect(done.consent).toEqual({ promotions: null, terms_of_service: "accepted" });
	});

	it("refuses the terms' words without the box, as Stripe does", async () => {
		const error = await stripeError(
			test.stripe.rawRequest("POST", "/v1/checkout/sessions", {
				...sessionParams(),
				custom_text: { terms_of_service_acceptance: { message: "I agree." } },
			}),
		);
		expect(error.statusCode).toBe(400);
		expect(error.param).toBe("custom_text[terms_of_service_acceptance]");
	});
});
