/**
 * The storefront's products: the stock rules the page shows (what is left, the
 * most a cart may hold and why), each product's card, and its "Add to cart" and
 * "Buy now" buttons.
 */
import { addItem, getItems, getLastCheckout, MAX_LINES, MAX_QUANTITY } from "./cart.js";
import { h, replaceChildren, srOnly } from "./dom.js";
import { locale, t, tn } from "./i18n.js";
import { currencyLabel, formatMoney } from "./money.js";

/** "Only n left" from this many units down: LOW_STOCK_AT in src/domain/product.ts (the page without this script says it from the same number). */
const LOW_STOCK_AT = 10;

export function price(amount, money) {
	return formatMoney(amount, money, locale);
}

/** What a product's price says of tax ("incl. VAT", "excl. tax"), as the worker wrote it into the page. */
const TAX_LABELS = { included: "shop.taxIncluded", added: "shop.taxAdded" };
const taxLabel = TAX_LABELS[document.body.dataset.taxes] ?? null;

/** Units left of a product, or null when its stock is unlimited. */
export function unitsLeft(product) {
	return typeof product.available === "number" ? Math.max(product.available, 0) : null;
}

function isSoldOut(product) {
	return unitsLeft(product) === 0;
}

/**
 * The most of a product the cart may hold: what is left, at most 99. Units
 * this browser's last checkout took count as the shopper's own (the server
 * counts them so when that checkout is resumed): back from Stripe, a cart is
 * not cut down by its own reservation. `ownHeld: false` leaves them out.
 */
export function capOf(product, { ownHeld = true } = {}) {
	const left = unitsLeft(product);
	if (left === null) return MAX_QUANTITY;
	const held = ownHeld
		? (getLastCheckout()?.items.find((i) => i.productId === product.id)?.quantity ?? 0)
		: 0;
	return Math.min(left + held, perOrder(product));
}

/** Why the cart may hold no more than `cap` of a product: the cart's limit, the order's, or what is left. */
export function capText(product, cap) {
	if (cap === MAX_QUANTITY) return t("shop.maxQuantity", { max: MAX_QUANTITY });
	return cap === perOrder(product) ? t("shop.maxPerOrder", { max: cap }) : tn("shop.maxStock", cap);
}

/** The most one order may take of a product (a limited one has its own limit, from the API). */
function perOrder(product) {
	return Number.isInteger(product.maxPerOrder)
		? Math.min(product.maxPerOrder, MAX_QUANTITY)
		: MAX_QUANTITY;
}

/** "Only 3 left" / "Sold out" for a card, or "" when there are plenty (or no limit). */
function stockNote(product) {
	const left = unitsLeft(product);
	if (left === 0) return t("shop.soldOut");
	return left !== null && left <= LOW_STOCK_AT ? tn("shop.onlyLeft", left) : "";
}

/**
 * A message naming a product, with the name for screen readers only:
 * "Add to cart" on screen, "Add Espresso beans to cart" read aloud.
 */
function withHiddenName(key, name) {
	const [before, after = ""] = t(key).split("{name}");
	return [before.trimEnd(), srOnly(` ${name}`), after];
}

/**
 * The product's picture (`imageUrl`, a path of this shop); null without one: the
 * card keeps its neutral tile. A picture that fails to load leaves the tile too.
 */
function productImage(product, card) {
	if (!product.imageUrl) return null;
	const img = h("img", {
		class: "product-image",
		src: product.imageUrl,
		alt: product.name,
		width: 320,
		height: 200,
		loading: "lazy",
		decoding: "async",
	});
	img.addEventListener(
		"error",
		() => {
			img.remove();
			card.classList.remove("has-image");
		},
		{ once: true },
	);
	return img;
}

/** Whether the worker said a shopper is signed in (accounts on): plans need one (SPEC 15). */
const signedIn = document.body.dataset.account === "signed-in";

/** A plan's card: its price per month or year, and "Subscribe" (or "Sign in to subscribe"). */
function planCard(p) {
	const headingId = `product-${p.id}-name`;
	const card = h("li", {
		class: ["product-card", "plan", p.imageUrl && "has-image"].filter(Boolean).join(" "),
		dataset: { productId: p.id, plan: p.recurringInterval },
	});
	const image = productImage(p, card);
	const perPeriod = t(p.recurringInterval === "year" ? "shop.perYear" : "shop.perMonth", {
		price: price(p.unitAmount, p),
	});
	card.append(
		...(image ? [image] : []),
		h("h2", { class: "product-name", id: headingId }, p.name),
		p.description ? h("p", { class: "product-desc" }, p.description) : "",
		h(
			"p",
			{ class: "product-price" },
			perPeriod,
			taxLabel ? h("span", { class: "tax-label" }, ` ${t(taxLabel)}`) : null,
		),
		h(
			"p",
			{ class: "stock-note" },
			t("shop.planNote", { period: t(`shop.period.${p.recurringInterval}`) }),
			signedIn ? "" : ` ${t("shop.planAccount")}`,
		),
		h(
			"div",
			{ class: "product-actions" },
			signedIn
				? // Plain form post: Stripe's page for the subscription (the server answers 303).
					h(
						"form",
						{ method: "post", action: "/create-checkout-session", class: "buy-now" },
						h("input", { type: "hidden", name: "productId", value: p.id }),
						h("input", { type: "hidden", name: "quantity", value: "1" }),
						h("input", { type: "hidden", name: "locale", value: locale }),
						h(
							"button",
							{
								type: "submit",
								class: "btn btn-primary",
								// "Subscribe" on screen, "Subscribe to Monthly coffee box" read aloud.
								"aria-label": t("shop.subscribeNamed", { name: p.name }),
							},
							t("shop.subscribe"),
						),
					)
				: h(
						"a",
						{ class: "btn btn-primary", href: `/account.html?lang=${locale}` },
						t("shop.signInToSubscribe"),
					),
		),
	);
	return card;
}

function productCard(p) {
	if (p.recurringInterval) return planCard(p);
	const headingId = `product-${p.id}-name`;
	const noteId = `product-${p.id}-note`;
	const stockId = `product-${p.id}-stock`;
	const soldOut = isSoldOut(p);
	const card = h("li", {
		class: ["product-card", p.imageUrl && "has-image", soldOut && "sold-out"]
			.filter(Boolean)
			.join(" "),
		dataset: { productId: p.id },
	});
	// No picture: nothing appended (`append(null)` would write the word "null").
	const image = productImage(p, card);
	card.append(
		...(image ? [image] : []),
		h("h2", { class: "product-name", id: headingId }, p.name),
		p.description ? h("p", { class: "product-desc" }, p.description) : "",
		h(
			"p",
			{ class: "product-price" },
			price(p.unitAmount, p),
			taxLabel ? h("span", { class: "tax-label" }, ` ${t(taxLabel)}`) : null,
			h("span", { class: "in-cart-count" }),
		),
		h("p", { class: soldOut ? "stock-note sold-out" : "stock-note", id: stockId }, stockNote(p)),
		h(
			"div",
			{ class: "product-actions" },
			// Sold out: still listed, and the button says why it does nothing.
			h(
				"button",
				{
					type: "button",
					class: "btn btn-primary",
					dataset: { action: "add", item: p.id },
					"aria-describedby": soldOut ? headingId : `${stockId} ${noteId}`,
					disabled: soldOut,
				},
				soldOut ? t("shop.soldOut") : withHiddenName("shop.addNamed", p.name),
			),
			// Plain form post: works without this script (the server answers 303 to Stripe).
			h(
				"form",
				{
					method: "post",
					action: "/create-checkout-session",
					class: "buy-now",
					hidden: soldOut,
				},
				h("input", { type: "hidden", name: "productId", value: p.id }),
				h("input", { type: "hidden", name: "quantity", value: "1" }),
				h("input", { type: "hidden", name: "locale", value: locale }),
				h(
					"button",
					{ type: "submit", class: "btn btn-secondary" },
					withHiddenName("shop.buyNamed", p.name),
				),
			),
		),
		h("p", { class: "product-note small", id: noteId }),
	);
	return card;
}

/** Why a product cannot be added right now, or "" when it can. */
function addBlockedReason(product, items, currency) {
	const line = items.find((i) => i.productId === product.id);
	if (currency && product.currency !== currency) {
		return t("shop.otherCurrency", {
			cart: currencyLabel(currency),
			other: currencyLabel(product.currency),
		});
	}
	if (isSoldOut(product)) return t("shop.soldOut");
	const cap = capOf(product);
	if (line && line.quantity >= cap) return capText(product, cap);
	if (!line && items.length >= MAX_LINES) return t("shop.maxLines", { max: MAX_LINES });
	return "";
}

/**
 * The product list in `list`, and what its buttons do.
 * @param {{
 *   list: HTMLElement,
 *   catalog: Map<string, any>,
 *   cartCurrency: (items: any[]) => string | undefined,
 *   onAdded: (product: any, count: number) => void,
 * }} deps the page's: the catalogue as last loaded, the currency the cart is in,
 *   and what follows a product put in the cart (`count`: how many it now holds)
 */
export function productList({ list, catalog, cartCurrency, onAdded }) {
	list.addEventListener("click", (event) => {
		const button = event.target.closest('button[data-action="add"]');
		if (!button || button.disabled) return;
		const product = catalog.get(button.dataset.item);
		if (!product) return;
		const items = getItems();
		if (addBlockedReason(product, items, cartCurrency(items))) return;
		const added = addItem(product.id, 1, product.name);
		const count = added.find((i) => i.productId === product.id)?.quantity ?? 0;
		onAdded(product, count);
	});

	// Stop a double submit of a "Buy now" form creating two orders.
	list.addEventListener("submit", (event) => {
		const form = event.target.closest("form.buy-now");
		if (!form) return;
		if (form.dataset.submitted) {
			event.preventDefault();
			return;
		}
		form.dataset.submitted = "true";
		for (const button of form.querySelectorAll("button"))
			button.setAttribute("aria-disabled", "true");
	});

	return {
		show(products) {
			replaceChildren(list, products.map(productCard));
		},

		/** Each card's "Add to cart" as the cart now allows it, and how many the cart holds. */
		update(items, currency) {
			for (const card of list.querySelectorAll("[data-product-id]")) {
				const product = catalog.get(card.dataset.productId);
				// A plan is never in the cart: it is subscribed to on its own.
				if (!product || product.recurringInterval) continue;
				const reason = addBlockedReason(product, items, currency);
				const button = card.querySelector('[data-action="add"]');
				const note = card.querySelector(".product-note");
				button.disabled = reason !== "";
				// A sold-out card's button and stock note already say so.
				note.textContent = isSoldOut(product) ? "" : reason;
				const inCart = items.find((i) => i.productId === product.id)?.quantity ?? 0;
				card.classList.toggle("in-cart", inCart > 0);
				card.querySelector(".in-cart-count").textContent =
					inCart > 0 ? t("shop.inCart", { count: inCart }) : "";
			}
		},

		/** The "Buy now" forms may be sent again (the page came back from the back/forward cache). */
		reopenBuyNow() {
			for (const form of list.querySelectorAll("form.buy-now")) {
				delete form.dataset.submitted;
				for (const b of form.querySelectorAll("button")) b.removeAttribute("aria-disabled");
			}
		},
	};
}
