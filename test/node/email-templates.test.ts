import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { totalLines } from "../../src/domain/order-totals.ts";
import {
	type EmailLinks,
	type EmailOrder,
	type OrderEmailKind,
	renderEmail,
	renderSignInEmail,
	renderSubscriptionEmail,
} from "../../src/emails/templates/index.ts";
import { loadCatalogues } from "../../src/i18n/catalogues.ts";
import { CATALOGUES } from "../support/catalogues.ts";

// The worker reads the catalogues from its static assets; here they are read from public/.
beforeAll(() =>
	loadCatalogues({
		fetch: async (url) =>
			new Response(
				await readFile(new URL(`../../public${new URL(url).pathname}`, import.meta.url)),
			),
	}),
);

const KINDS: OrderEmailKind[] = [
	"order_confirmation",
	"payment_processing",
	"payment_failed",
	"refund",
	"shipped",
];
const LOCALES = ["en", "fr"] as const;

const LINKS: EmailLinks = {
	shopName: "Bean & Leaf",
	statusUrl: "https://shop.test/success.html?order=ord_1&lang=fr",
	resumeUrl: "https://shop.test/api/orders/ord_1/resume?token=tok_abc&lang=fr",
	shopUrl: "https://shop.test/",
};

function anOrder(overrides: Partial<EmailOrder> = {}): EmailOrder {
	const order: Omit<EmailOrder, "totals"> = {
		id: "ord_1",
		number: "9599D66E",
		locale: "en",
		currency: "usd",
		items: [
			{ name: "Ethiopia Yirgacheffe", quantity: 2, unitAmount: 1800 },
			{ name: "Matcha & Whisk", quantity: 1, unitAmount: 2450 },
		],
		subtotal: 6050,
		amountDiscount: 500,
		discountCode: null,
		amountShipping: 700,
		amountTax: 320,
		amount: 6570,
		amountRefunded: 0,
		amountAsked: null,
		status: "paid",
		shipping: {
			name: "Jeanne Martin",
			phone: null,
			rateName: "Colissimo",
			address: {
				line1: "12 rue de Rivoli",
				line2: "Bâtiment B",
				city: "Paris",
				postalCode: "75001",
				state: null,
				country: "DE",
			},
		},
		fulfillment: {
			carrier: "La Poste",
			trackingNumber: "6A12345678901",
			trackingUrl: "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901",
		},
		failureCode: "insufficient_funds",
		...overrides,
	};
	// Its totals as the worker's order view writes them for these fields.
	return {
		...order,
		totals:
			overrides.totals ??
			totalLines({
				...order,
				shippingName: order.shipping?.name ?? null,
				shippingRateName: order.shipping?.rateName ?? null,
			}),
	};
}

/** What Intl writes for an amount in minor units (USD has 2 digits, JPY none). */
function intl(minor: number, currency: "usd" | "jpy", locale: string): string {
	const value = currency === "jpy" ? minor : minor / 100;
	return new Intl.NumberFormat(locale, { style: "currency", currency }).format(value);
}

/** How an attribute value looks once escaped: `&` is `&amp;`. */
function attr(value: string): string {
	return value.replace(/&/g, "&amp;");
}

describe("every order email renders in English and French", () => {
	for (const kind of KINDS)
		for (const locale of LOCALES)
			it(`writes ${kind} in ${locale}: the language, the brand, the number, the items, the totals`, () => {
				const order = anOrder({ locale, amountRefunded: kind === "refund" ? 1000 : 0 });
				const email = renderEmail(kind, order, LINKS, { refundAmount: 1000 });
				const money = (minor: number) => intl(minor, "usd", locale);

				expect(email.html.startsWith("<!doctype html>")).toBe(true);
				expect(email.html).toContain(`<html lang="${locale}">`);
				expect(email.html).toContain('<meta charset="utf-8">');
				expect(email.subject).toContain("Bean & Leaf");
				expect(email.subject).toContain("9599D66E");
				expect(email.html).toContain("Bean &amp; Leaf");

				for (const body of [email.html, email.text]) {
					expect(body).toContain("9599D66E");
					expect(body).toContain(`Ethiopia Yirgacheffe × 2`);
					expect(body).toContain(money(3600));
					expect(body).toContain(money(2450));
					expect(body).toContain(money(6050));
					expect(body).toContain(`−${money(500)}`);
					expect(body).toContain(money(700));
					expect(body).toContain(money(320));
					expect(body).toContain(money(6570));
					expect(body).toContain(
						CATALOGUES[locale]["email.shippingRate"].replace("{rate}", "Colissimo"),
					);
				}
				expect(email.html).toContain("Matcha &amp; Whisk × 1");
				expect(email.text).toContain("Matcha & Whisk × 1");
				expect(email.html).toContain(`href="${attr(LINKS.statusUrl)}"`);
				expect(email.text).toContain(LINKS.statusUrl);
				expect(email.text).toContain(LINKS.shopUrl);
			});

	it("gives the subjects in each language", () => {
		const en = renderEmail("order_confirmation", anOrder(), LINKS);
		const fr = renderEmail("order_confirmation", anOrder({ locale: "fr" }), LINKS);
		expect(en.subject).toBe("Your Bean & Leaf order 9599D66E is confirmed");
		expect(fr.subject).toBe("Votre commande Bean & Leaf 9599D66E est confirmée");
		expect(fr.html).toContain(
			"<title>Votre commande Bean &amp; Leaf 9599D66E est confirmée</title>",
		);
	});

	it("writes yen without decimals, as Intl does in each language", () => {
		for (const locale of LOCALES) {
			const order = anOrder({
				locale,
				currency: "jpy",
				items: [{ name: "Hojicha", quantity: 3, unitAmount: 1500 }],
				subtotal: 4500,
				amountDiscount: 0,
				amountShipping: 0,
				amountTax: 0,
				amount: 4500,
				shipping: null,
			});
			const email = renderEmail("order_confirmation", order, LINKS);
			for (const body of [email.html, email.text]) {
				expect(body).toContain(intl(4500, "jpy", locale));
				expect(body).not.toContain(intl(4500, "usd", locale));
			}
			expect(email.text).not.toContain(CATALOGUES[locale]["email.discount"]);
			expect(email.text).not.toContain(CATALOGUES[locale]["email.shipping"]);
			expect(email.text).not.toContain(CATALOGUES[locale]["email.shipTo"]);
		}
	});

	it("names the promotion code on the discount line, in each language", () => {
		for (const [locale, label] of [
			["en", "Discount (WELCOME10)"],
			["fr", "Remise (WELCOME10)"],
		] as const) {
			const email = renderEmail(
				"order_confirmation",
				anOrder({ locale, discountCode: "WELCOME10" }),
				LINKS,
			);
			for (const body of [email.html, email.text]) expect(body).toContain(label);
		}
		const plain = renderEmail("order_confirmation", anOrder({ discountCode: null }), LINKS);
		expect(plain.text).toContain("Discount:");
		expect(plain.text).not.toContain("Discount (");
	});

	it("is the same email for the same order (no clock, nothing random)", () => {
		const order = anOrder({ locale: "fr" });
		expect(renderEmail("shipped", order, LINKS)).toEqual(renderEmail("shipped", order, LINKS));
	});
});

describe("the shipping address", () => {
	it("shows the name, the lines, postal code and city, and the country in the order's language", () => {
		const en = renderEmail("order_confirmation", anOrder(), LINKS);
		const fr = renderEmail("order_confirmation", anOrder({ locale: "fr" }), LINKS);
		for (const email of [en, fr])
			for (const line of ["Jeanne Martin", "12 rue de Rivoli", "Bâtiment B", "75001 Paris"]) {
				expect(email.html).toContain(line);
				expect(email.text).toContain(line);
			}
		expect(en.text).toContain("Germany");
		expect(fr.text).toContain("Allemagne");
		expect(fr.html).toContain("Allemagne");
	});

	it("writes an American town the American way", () => {
		const order = anOrder();
		order.shipping = {
			name: "Sam Lee",
			phone: null,
			rateName: null,
			address: {
				line1: "1 Market St",
				line2: null,
				city: "San Francisco",
				postalCode: "94105",
				state: "CA",
				country: "US",
			},
		};
		const { text } = renderEmail("order_confirmation", order, LINKS);
		expect(text).toContain("San Francisco, CA 94105");
		expect(text).toContain("United States");
	});
});

describe("a failed payment email", () => {
	it("leads back to the same checkout with a Resume payment button", () => {
		for (const locale of LOCALES) {
			const email = renderEmail("payment_failed", anOrder({ locale }), LINKS);
			const label = CATALOGUES[locale]["email.payment_failed.resumeButton"];
			expect(label).toBe(locale === "fr" ? "Reprendre le paiement" : "Resume payment");
			expect(email.html).toMatch(
				new RegExp(`<a href="${escapeRegExp(attr(LINKS.resumeUrl!))}"[^>]*>${label}</a>`),
			);
			expect(email.text).toContain(`${label}`);
			expect(email.text).toContain(LINKS.resumeUrl!);
		}
	});

	it("says why in our words, not Stripe's", () => {
		const fr = renderEmail("payment_failed", anOrder({ locale: "fr" }), LINKS);
		expect(fr.html).toContain(CATALOGUES.fr["decline.insufficient_funds"].replace("'", "&#39;"));
		expect(fr.text).toContain("Le solde de votre carte est insuffisant.");
		expect(fr.text).not.toContain("Your card has insufficient funds.");

		const cvc = renderEmail("payment_failed", anOrder({ failureCode: "incorrect_cvc" }), LINKS);
		expect(cvc.text).toContain("The security code (CVC) is incorrect.");
		expect(cvc.text).not.toContain("Your card's security code is incorrect.");

		const other = renderEmail("payment_failed", anOrder({ failureCode: "do_not_honor" }), LINKS);
		expect(other.text).toContain(CATALOGUES.en["decline.generic"]);
		expect(other.text).not.toContain("Your card was declined.");
		expect(other.text).not.toContain("do_not_honor");
	});

	it("without a resume link, points to the shop instead of a dead button", () => {
		const email = renderEmail("payment_failed", anOrder(), { ...LINKS, resumeUrl: null });
		expect(email.html).not.toContain(CATALOGUES.en["email.payment_failed.resumeButton"]);
		expect(email.text).toContain(CATALOGUES.en["email.payment_failed.noResume"]);
	});
});

describe("the other kinds say what happened", () => {
	it("payment_processing: the bank payment is on its way, no dates promised", () => {
		const email = renderEmail("payment_processing", anOrder({ locale: "fr" }), LINKS);
		expect(email.text).toContain(CATALOGUES.fr["email.payment_processing.heading"]);
		expect(email.text).not.toMatch(/\d+\s*(jours|days)/i);
	});

	it("refund: the amount refunded now and in all", () => {
		const order = anOrder({ amountRefunded: 2500 });
		const email = renderEmail("refund", order, LINKS, { refundAmount: 1000 });
		expect(email.subject).toBe(
			`Your Bean & Leaf order 9599D66E: ${intl(1000, "usd", "en")} refunded`,
		);
		expect(email.text).toContain(`This refund: −${intl(1000, "usd", "en")}`);
		expect(email.text).toContain(`Refunded in all: −${intl(2500, "usd", "en")}`);
		expect(email.text).not.toContain(CATALOGUES.en["email.refund.full"]);

		const full = renderEmail("refund", anOrder({ amountRefunded: 6570 }), LINKS, {
			refundAmount: 6570,
		});
		expect(full.text).toContain(CATALOGUES.en["email.refund.full"]);
	});

	it("shipped: the carrier, the tracking number and a tracking link", () => {
		const order = anOrder({ locale: "fr" });
		const email = renderEmail("shipped", order, LINKS);
		const url = order.fulfillment!.trackingUrl!;
		for (const body of [email.html, email.text]) {
			expect(body).toContain("La Poste");
			expect(body).toContain("6A12345678901");
		}
		expect(email.html).toContain(`href="${attr(url)}"`);
		expect(email.text).toContain(`Suivre votre colis : ${url}`);
	});

	it("order_confirmation: thanks, and a word about shipping only when something ships", () => {
		const shipped = renderEmail("order_confirmation", anOrder(), LINKS);
		expect(shipped.text).toContain(CATALOGUES.en["email.order_confirmation.heading"]);
		expect(shipped.text).toContain(CATALOGUES.en["email.order_confirmation.next"]);
		const digital = renderEmail("order_confirmation", anOrder({ shipping: null }), LINKS);
		expect(digital.text).not.toContain(CATALOGUES.en["email.order_confirmation.next"]);
	});
});

describe("hostile input stays text", () => {
	const hostile = anOrder({
		items: [{ name: "<b>Bold</b> beans", quantity: 1, unitAmount: 100 }],
		shipping: {
			name: "<script>alert(1)</script>",
			phone: null,
			rateName: "<i>Fast</i>",
			address: {
				line1: '1 "quoted" road',
				line2: null,
				city: "Town",
				postalCode: "1000",
				state: null,
				country: "FR",
			},
		},
		fulfillment: {
			carrier: '"><img src=x onerror=alert(1)>',
			trackingNumber: "<svg onload=alert(1)>",
			trackingUrl: "javascript:alert(1)",
		},
	});

	for (const kind of KINDS)
		it(`escapes shopper and Stripe strings in ${kind}`, () => {
			const { html } = renderEmail(kind, hostile, LINKS);
			expect(html).not.toMatch(/<script/i);
			expect(html).not.toMatch(/<img/i);
			expect(html).not.toMatch(/<svg/i);
			expect(html).not.toContain("<b>Bold");
			expect(html).not.toContain("<i>Fast");
			expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
			expect(html).toContain("&lt;b&gt;Bold&lt;/b&gt; beans");
			expect(html).toContain("1 &quot;quoted&quot; road");
		});

	it("shows a javascript: tracking URL as text, never as a link", () => {
		const { html, text } = renderEmail("shipped", hostile, LINKS);
		expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
		expect(html).toContain("&lt;svg onload=alert(1)&gt;");
		expect(html).toContain("javascript:alert(1)");
		expect(html).not.toMatch(/href="javascript:/i);
		expect(text).toContain("javascript:alert(1)");
		expect(text).not.toContain(CATALOGUES.en["email.shipped.track"]);
	});

	it("links only to http(s), whatever URL it is given", () => {
		const { html, text } = renderEmail("payment_failed", hostile, {
			shopName: "<b>Shop</b>",
			statusUrl: "javascript:alert(2)",
			resumeUrl: "data:text/html,<script>alert(3)</script>",
			shopUrl: "https://shop.test/",
		});
		const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
		expect(hrefs).toEqual(["https://shop.test/"]);
		expect(html).not.toMatch(/<script/i);
		expect(text).toContain("javascript:alert(2)");
	});

	it("has no scripts, no stylesheets, and no images the shop did not give: inline styles only", () => {
		for (const kind of KINDS)
			for (const locale of LOCALES) {
				const { html } = renderEmail(kind, { ...hostile, locale }, LINKS);
				expect(html).not.toMatch(/<script|<style|<link|<img|url\(/i);
				// Inside any tag: no src (no remote images), no event handler attribute.
				expect(html).not.toMatch(/<[^>]*\s(src|on\w+)=/i);
				for (const [, href] of html.matchAll(/href="([^"]*)"/g))
					expect(href).toMatch(/^https?:\/\//);
			}
	});
});

describe("the shop's own look in an e-mail (SPEC 17)", () => {
	const OWN: EmailLinks = {
		...LINKS,
		logoUrl: "https://shop.test/media/shop/0123456789abcdef0123456789abcdef.png",
		accentColor: "#1f4e79",
		pages: [
			{ slug: "terms", url: "https://shop.test/pages/terms?lang=fr" },
			{ slug: "returns", url: "https://shop.test/pages/returns?lang=fr" },
		],
	};
	const pictured = () =>
		anOrder({
			locale: "fr",
			items: [
				{
					name: "Espresso",
					quantity: 2,
					unitAmount: 1200,
					imageUrl: "https://shop.test/media/products/espresso/ab.png",
				},
				{ name: "Sachet", quantity: 1, unitAmount: 500, imageUrl: null },
			],
		});

	it("shows the logo (the shop's name as its alt), its colour, and the products' pictures", () => {
		const { html } = renderEmail("order_confirmation", pictured(), OWN);
		expect(html).toContain(
			'<img src="https://shop.test/media/shop/0123456789abcdef0123456789abcdef.png" alt="Bean &amp; Leaf"',
		);
		expect(html).toContain("border:2px solid #1f4e79;");
		expect(html).not.toContain("#7a4a22");
		// The picture beside its name (alt "": the name is written next to it); none for the other.
		expect(html).toMatch(
			/<img src="https:\/\/shop.test\/media\/products\/espresso\/ab.png" alt=""[^>]*>Espresso × 2/,
		);
		expect([...html.matchAll(/<img /g)]).toHaveLength(2);
	});

	it("links the shop's information pages in its language, in both versions", () => {
		const { html, text } = renderEmail("refund", pictured(), OWN);
		expect(html).toContain(
			'<a href="https://shop.test/pages/terms?lang=fr" style="color:#1f4e79;text-decoration:underline;">Conditions générales de vente</a>',
		);
		expect(html).toContain(">Retours et rétractation</a>");
		expect(text).toContain("Conditions générales de vente : https://shop.test/pages/terms?lang=fr");
		const plain = renderEmail("refund", pictured(), LINKS);
		expect(plain.html).not.toContain("/pages/");
		expect(plain.text).not.toContain("/pages/");
	});
});

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("the sign-in e-mail (SPEC 14)", () => {
	const url = "https://shop.example/account.html?token=AbC_123-xyz&lang=fr";
	for (const locale of LOCALES)
		it(`writes the link, how long it works and what to do if it was not you, in ${locale}, with no order`, () => {
			const email = renderSignInEmail(locale, url.replace("fr", locale), {
				shopName: "Bean & Leaf <b>",
				shopUrl: "https://shop.example/",
			});
			expect(email.html).toContain(`<html lang="${locale}">`);
			expect(email.html).toContain(`href="${attr(url.replace("fr", locale))}"`);
			expect(email.text).toContain(url.replace("fr", locale));
			expect(email.html).toContain("Bean &amp; Leaf &lt;b&gt;");
			expect(email.html).not.toContain("<b>");
			expect(email.text).toContain("15");
			expect(email.subject).toBe(
				locale === "fr"
					? "Votre lien de connexion à Bean & Leaf <b>"
					: "Your sign-in link for Bean & Leaf <b>",
			);
			// No order: no order number, no totals, no status page.
			expect(email.text).not.toMatch(/Order|Commande|Total/);
		});
});

describe("a subscription's e-mails (SPEC 15)", () => {
	const sub = {
		planName: "Monthly coffee box",
		quantity: 2,
		unitAmount: 3000,
		currency: "usd",
		interval: "month" as const,
		currentPeriodEnd: Date.UTC(2027, 0, 6),
		amountDue: 6000,
	};
	const links = {
		shopName: "Bean & Leaf",
		shopUrl: "https://shop.example/",
		accountUrl: "https://shop.example/account.html?lang=en",
	};
	for (const locale of LOCALES) {
		it(`says the plan, its price per period and when it renews, in ${locale}`, () => {
			const email = renderSubscriptionEmail("subscription_started", locale, sub, links);
			expect(email.html).toContain(`<html lang="${locale}">`);
			expect(email.text).toContain("Monthly coffee box × 2");
			expect(email.text).toContain(locale === "fr" ? "60,00\u00a0$US / mois" : "$60.00 / month");
			expect(email.text).toContain(locale === "fr" ? "6 janvier 2027" : "January 6, 2027");
			expect(email.text).toContain(links.accountUrl);
			expect(email.text).not.toMatch(/Order |Commande /);
		});
		it(`says what a failed payment asked and where the card is fixed, in ${locale}`, () => {
			const email = renderSubscriptionEmail("subscription_payment_failed", locale, sub, links);
			expect(email.text).toContain(locale === "fr" ? "60,00\u00a0$US" : "$60.00");
			expect(email.html).toContain(`href="${attr(links.accountUrl)}"`);
			expect(email.subject).toContain("Bean & Leaf");
		});
	}
	it("says it ended, with nothing more to pay, and offers no account button", () => {
		const email = renderSubscriptionEmail("subscription_canceled", "en", sub, links);
		expect(email.subject).toBe("Your Bean & Leaf subscription has ended");
		expect(email.text).toContain("Nothing more will be charged.");
		expect(email.text).not.toContain(links.accountUrl);
	});
});
