import type { Context } from "hono";
import { Hono } from "hono";
import * as v from "valibot";
import type { CheckoutRequest } from "../domain/cart.ts";
import {
	checkoutRequestSchema,
	countrySchema,
	firstIssue,
	formCheckoutSchema,
	formLocaleSchema,
	formResumeSchema,
	normalizeCart,
} from "../domain/cart.ts";
import { type CheckoutShop, collectsShipping } from "../domain/checkout-session.ts";
import { type Locale, translate } from "../i18n/catalogues.ts";
import { clientFingerprint } from "../lib/client-key.ts";
import { AppError, invalidCart } from "../lib/errors.ts";
import { requestLocale } from "../pages/locale.ts";
import { priceCart, shippingRatesFor } from "../services/catalog/catalog.ts";
import {
	type CheckoutResult,
	resumableItems,
	resumeUnchanged,
	startCheckout,
} from "../services/payments/checkout.ts";
import { addressOnOneLine, type ShopIdentity, shopIdentity } from "../services/shop/identity.ts";
import { startSubscriptionCheckout } from "../services/subscriptions/checkout.ts";
import type { AppEnv } from "./app-env.ts";
import { idempotency, parsedInput } from "./idempotency.ts";
import { publicOrigin } from "./public-origin.ts";
import { bodyKind, checkoutRateLimit, formsFromOurPages, limitBody } from "./request-guards.ts";
import { accountsOn, customerOrGuest } from "./signed-in.ts";

const MAX_BODY_BYTES = 8 * 1024;

export const checkoutRoutes = new Hono<AppEnv>().post(
	"/",
	limitBody(MAX_BODY_BYTES),
	checkoutRateLimit,
	formsFromOurPages,
	parsedInput(readCheckout),
	idempotency({ request: checkoutIdentity }),
	async (c) => {
		const { input, config } = c.var;
		const d = c.var.deps;
		const form = bodyKind(c) === "form";
		// A form post (no JavaScript) always pays on Stripe's hosted page: it has a url to go to.
		const answer = (result: CheckoutResult) =>
			form && "url" in result ? c.redirect(result.url, 303) : c.json(result);
		const { keepAnswer } = c.var;
		const resume = { orderId: input.orderId, token: input.resumeToken };
		const settings = config.checkout;
		const uiMode = form ? "hosted" : (input.uiMode ?? settings.ui);
		// Before pricing: the shopper's own checkout, at its own prices, whatever the catalog says now.
		const resumed = await resumeUnchanged(d, resume, input.items, input.country ?? null, uiMode);
		if (resumed && resumed !== "elsewhere") return answer(resumed);
		const app = config.app;
		const locale = requestLocale(c, input.locale);
		const cart = await priceCart(d.db, input.items, app.maxOrderAmount, locale, accountsOn(c));
		const shop = await shopIdentity(d.db, config.shopDefaults, d.now());
		const origin = publicOrigin(c);
		if (cart.lines.some((line) => line.recurringInterval)) {
			// A plan (SPEC 15): the signed-in customer's subscription, on Stripe's page.
			const customer = await customerOrGuest(c);
			if (!customer)
				throw new AppError(
					"sign_in_required",
					"A subscription belongs to an account: sign in first (/account.html).",
				);
			const plan = cart.lines[0];
			const ships = plan?.shippable !== false && settings.shippingCountries.length > 0;
			const country = ships ? (input.country ?? null) : null;
			if (country && !settings.shippingCountries.includes(country))
				throw invalidCart(`The shop does not ship to ${country}.`);
			const started = await startSubscriptionCheckout(d, {
				customer,
				cart,
				origin,
				locale,
				options: {
					...settings,
					shippingCountries: country ? [country] : settings.shippingCountries,
					shippingRates: [],
					shop: checkoutShop(shop, locale, settings.requireTerms, origin),
				},
			});
			return form ? c.redirect(started.url, 303) : c.json(started);
		}
		const shipping = collectsShipping(cart, settings.shippingCountries);
		// A destination chosen in the cart: Stripe's page asks an address there, and offers its rates.
		const country = shipping ? (input.country ?? null) : null;
		if (country && !settings.shippingCountries.includes(country))
			throw invalidCart(`The shop does not ship to ${country}.`);
		const result = await startCheckout(d, {
			cart,
			origin,
			options: {
				...settings,
				shippingCountries: country ? [country] : settings.shippingCountries,
				shippingRates: shipping ? await shippingRatesFor(d.db, cart.currency, country) : [],
				shop: checkoutShop(shop, locale, settings.requireTerms, origin),
				uiMode,
			},
			resume: { ...resume, elsewhere: resumed === "elsewhere" },
			locale,
			// Signed in (SPEC 14): the order is theirs, and Stripe's page shows their saved cards.
			customer: await customerOrGuest(c),
			// With the per-client rate limit, a per-client hold of limited stock.
			clientKey: app.rateLimitOn ? await clientFingerprint(c.req.header("CF-Connecting-IP")) : null,
			// With an Idempotency-Key, the answer is kept with the session's record: what `answer` sends.
			alsoCommit:
				keepAnswer &&
				((r) =>
					keepAnswer(
						form && "url" in r
							? { status: 303, body: { location: r.url } }
							: { status: 200, body: r },
					)),
		});
		return answer(result);
	},
);

/**
 * What Stripe's page shows of the shop, in the shopper's language; with
 * `REQUIRE_TERMS=on` and terms of sale written, the box to accept them, linked
 * to our page in the shopper's language.
 */
function checkoutShop(
	shop: ShopIdentity,
	locale: Locale,
	requireTerms: boolean,
	origin: string,
): CheckoutShop {
	const seller = shop.legalName
		? [shop.legalName, addressOnOneLine(shop)].filter(Boolean).join(", ")
		: null;
	const terms = requireTerms && shop.pages.includes("terms");
	return {
		name: shop.name,
		accentColor: shop.accentColor,
		pricesIncludeTax: shop.pricesIncludeTax,
		sellerLine: seller && translate(locale, "checkout.soldBy", { seller }),
		termsAcceptance: terms
			? translate(locale, "checkout.termsAcceptance", {
					url: `${origin}/pages/terms?lang=${locale}`,
				})
			: null,
	};
}

/** The checkout request, from JSON or a "Buy now" form post; 400 `invalid_cart` (or 415) otherwise. */
function readCheckout(c: Context<AppEnv>): Promise<CheckoutRequest> {
	return bodyKind(c) === "json" ? readJson(c) : readForm(c);
}

/** What makes two checkout requests the same: the cart in any order, the order resumed and its token, the language. */
function checkoutIdentity(input: CheckoutRequest) {
	return {
		items: normalizeCart(input.items),
		orderId: input.orderId ?? null,
		resumeToken: input.resumeToken ?? null,
		locale: input.locale ?? null,
		country: input.country ?? null,
		uiMode: input.uiMode ?? null,
	};
}

async function readJson(c: Context<AppEnv>): Promise<CheckoutRequest> {
	let body: unknown;
	try {
		body = await c.req.json();
	} catch {
		throw new AppError("invalid_json", "The body is not valid JSON.");
	}
	const parsed = v.safeParse(checkoutRequestSchema, body);
	if (!parsed.success) throw invalidCart(firstIssue(parsed.issues));
	return parsed.output;
}

/**
 * A "Buy now" form (`productId`, `quantity`) or the cancel page's "Resume
 * payment" form (`orderId`, `resumeToken`, no items: the order's own items, when
 * the token is the order's); either may carry `locale`.
 */
async function readForm(c: Context<AppEnv>): Promise<CheckoutRequest> {
	const form = await c.req.parseBody();
	const locale = v.safeParse(formLocaleSchema, form.locale || undefined);
	if (!locale.success) throw invalidCart(firstIssue(locale.issues));
	const country = v.safeParse(v.optional(countrySchema), form.country || undefined);
	if (!country.success) throw invalidCart(firstIssue(country.issues));
	if (form.productId === undefined && form.orderId !== undefined) {
		const resume = v.safeParse(formResumeSchema, {
			orderId: form.orderId,
			resumeToken: form.resumeToken,
		});
		if (!resume.success) throw invalidCart(firstIssue(resume.issues));
		const { orderId, resumeToken } = resume.output;
		const items = await resumableItems(c.var.deps.db, orderId, resumeToken);
		if (!items) throw invalidCart("There is no checkout to resume for this order.");
		return { items, orderId, resumeToken, locale: locale.output, country: country.output };
	}
	const parsed = v.safeParse(formCheckoutSchema, {
		productId: form.productId,
		quantity: form.quantity,
	});
	if (!parsed.success) throw invalidCart(firstIssue(parsed.issues));
	return { items: [parsed.output], locale: locale.output, country: country.output };
}
