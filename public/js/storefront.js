import { ApiError, createCheckoutSession, requestJson } from "./api.js";
import {
	addItem,
	CART_STORAGE_KEY,
	clearLastCheckout,
	fitItems,
	forgetCheckoutKey,
	getItems,
	getLastCheckout,
	MAX_LINES,
	MAX_QUANTITY,
	rememberNames,
	removeItem,
	removeItems,
	setLastCheckout,
	setQuantity,
} from "./cart.js";
import { byId, h, replaceChildren, say, srOnly } from "./dom.js";
import { errorText, locale, t, tn } from "./i18n.js";
import { currencyLabel, formatMoney } from "./money.js";

// The cart needs this script: the stylesheet keeps it out of sight until then (html:not(.js)).
document.documentElement.classList.add("js");

const productsEl = byId("products");
const productsStatus = byId("products-status");
const cartEl = byId("cart");
const cartLines = byId("cart-lines");
const cartEmpty = byId("cart-empty");
const cartConflict = byId("cart-conflict");
const cartConflictText = byId("cart-conflict-text");
const cartConflictActions = byId("cart-conflict-actions");
const cartCurrency = byId("cart-currency");
const cartSummary = byId("cart-summary");
const cartTotal = byId("cart-total");
const cartCount = byId("cart-count");
const cartCountUnit = byId("cart-count-unit");
const cartStatus = byId("cart-status");
const cartBar = byId("cart-bar");
const errorEl = byId("error");
const payButton = byId("pay");

/** "Only n left" from this many units down: LOW_STOCK_AT in src/domain/product.ts (the page without this script says it from the same number). */
const LOW_STOCK_AT = 10;

/** @type {Map<string, {id: string, name: string, description: string, unitAmount: number, currency: string, minorUnits: number, available: number | null, maxPerOrder: number | null}>} */
let catalog = new Map();
let catalogLoaded = false;
let paying = false;
let cartInView = false;

function showError(message) {
	errorEl.textContent = message;
}

function clearError() {
	errorEl.textContent = "";
}

function price(amount, money) {
	return formatMoney(amount, money, locale);
}

/** Units left of a product, or null when its stock is unlimited. */
function unitsLeft(product) {
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
function capOf(product, { ownHeld = true } = {}) {
	const left = unitsLeft(product);
	if (left === null) return MAX_QUANTITY;
	const held = ownHeld
		? (getLastCheckout()?.items.find((i) => i.productId === product.id)?.quantity ?? 0)
		: 0;
	return Math.min(left + held, perOrder(product));
}

/** Why the cart may hold no more than `cap` of a product: the cart's limit, the order's, or what is left. */
function capText(product, cap) {
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

/** "A and B", in the page's language. */
function listOf(names) {
	return new Intl.ListFormat(locale, { type: "conjunction" }).format(names);
}

/**
 * A message naming a product, with the name for screen readers only:
 * "Add to cart" on screen, "Add Espresso beans to cart" read aloud.
 */
function withHiddenName(key, name) {
	const [before, after = ""] = t(key).split("{name}");
	return [before.trimEnd(), srOnly(` ${name}`), after];
}

// ---- products -------------------------------------------------------------

/** Fetches the catalogue and shows it; drops cart lines for products no longer sold. */
async function refreshCatalog() {
	const data = await requestJson("/api/products");
	const products = Array.isArray(data.products) ? data.products : [];
	catalog = new Map(products.map((p) => [p.id, p]));
	catalogLoaded = true;
	renderProducts(products);
	say(productsStatus, products.length ? "" : t("shop.noProducts"));
	rememberNames(new Map(products.map((p) => [p.id, p.name])));
	dropUnavailableCartItems();
}

async function loadProducts() {
	say(productsStatus, t("shop.loading"));
	productsEl.setAttribute("aria-busy", "true");
	try {
		await refreshCatalog();
		// A cart kept from an earlier visit may ask for more than is left now.
		const lowered = fitCartToStock();
		if (lowered.length) showError(stockChangedText(lowered));
		render();
	} catch (err) {
		replaceChildren(productsEl);
		say(productsStatus, t("shop.loadFailed"));
		const retry = h("button", { type: "button", class: "btn btn-secondary" }, t("shop.tryAgain"));
		retry.addEventListener("click", () => {
			retry.remove();
			loadProducts();
		});
		productsStatus.after(retry);
		if (!(err instanceof ApiError)) throw err;
	} finally {
		productsEl.removeAttribute("aria-busy");
	}
}

/** The product's drawing, `/img/products/<id>.svg`; a product without one keeps the plain tile. */
function productImage(product, card) {
	const img = h("img", {
		class: "product-image",
		src: `/img/products/${encodeURIComponent(product.id)}.svg`,
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

function productCard(p) {
	const headingId = `product-${p.id}-name`;
	const noteId = `product-${p.id}-note`;
	const stockId = `product-${p.id}-stock`;
	const soldOut = isSoldOut(p);
	const card = h("li", {
		class: soldOut ? "product-card has-image sold-out" : "product-card has-image",
		dataset: { productId: p.id },
	});
	card.append(
		productImage(p, card),
		h("h2", { class: "product-name", id: headingId }, p.name),
		p.description ? h("p", { class: "product-desc" }, p.description) : "",
		h(
			"p",
			{ class: "product-price" },
			price(p.unitAmount, p),
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

function renderProducts(products) {
	replaceChildren(productsEl, products.map(productCard));
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

function updateProductButtons(items, currency) {
	for (const card of productsEl.querySelectorAll("[data-product-id]")) {
		const product = catalog.get(card.dataset.productId);
		if (!product) continue;
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
}

productsEl.addEventListener("click", (event) => {
	const button = event.target.closest('button[data-action="add"]');
	if (!button || button.disabled) return;
	const product = catalog.get(button.dataset.item);
	if (!product) return;
	const items = getItems();
	if (addBlockedReason(product, items, cartGroups(items)[0]?.money.currency)) return;
	const added = addItem(product.id, 1, product.name);
	const count = added.find((i) => i.productId === product.id)?.quantity ?? 0;
	clearError();
	render();
	say(cartStatus, t("shop.added", { name: product.name, count }));
});

// Stop a double submit of a "Buy now" form creating two orders.
productsEl.addEventListener("submit", (event) => {
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

// ---- cart -----------------------------------------------------------------

/**
 * The cart's known lines by currency, in the order the currencies first
 * appear: `[{money, items, total}]`. One group is a cart that can be paid;
 * more (an old cart, a product whose price moved to another currency, two
 * tabs) is a conflict, and amounts are never added across groups.
 */
function cartGroups(items) {
	const groups = new Map();
	for (const item of items) {
		const product = catalog.get(item.productId);
		if (!product) continue;
		let group = groups.get(product.currency);
		if (!group) {
			group = {
				money: { currency: product.currency, minorUnits: product.minorUnits },
				items: [],
				total: 0,
			};
			groups.set(product.currency, group);
		}
		group.items.push(item);
		group.total += product.unitAmount * item.quantity;
	}
	return [...groups.values()];
}

/**
 * Lowers each cart line to what is left of its product, removing sold-out
 * ones; answers the names of the products lowered.
 */
function fitCartToStock(options) {
	const limits = new Map();
	for (const item of getItems()) {
		const product = catalog.get(item.productId);
		if (product && unitsLeft(product) !== null) limits.set(product.id, capOf(product, options));
	}
	return fitItems(limits).map((id) => catalog.get(id).name);
}

/** What the cart lost: lowered to what is left, or (nothing left) emptied. */
function stockChangedText(names) {
	const key = getItems().length === 0 ? "cart.soldOutNow" : "cart.stockChanged";
	return t(key, { names: listOf(names) });
}

/**
 * Checkout said 409 `out_of_stock`: someone was quicker. Shows the stock as it
 * is now and lowers the cart to it, saying which products; nothing else changes.
 */
async function fitCartAfterShortage(err) {
	try {
		await refreshCatalog();
	} catch {
		showError(errorText(err));
		return;
	}
	let lowered = fitCartToStock();
	// The last checkout's units were not the shopper's after all (it had ended): count without them.
	if (!lowered.length) lowered = fitCartToStock({ ownHeld: false });
	// The refusal is kept under the request's key: a retry of the same cart must be asked afresh.
	forgetCheckoutKey();
	const short = Array.isArray(err.details?.productIds) ? err.details.productIds : [];
	const names = lowered.length
		? lowered
		: short.map((id) => catalog.get(id)?.name).filter((name) => name !== undefined);
	showError(names.length ? stockChangedText(names) : errorText(err));
}

/** Drops lines for products no longer sold, saying which. */
function dropUnavailableCartItems() {
	const gone = getItems().filter((i) => !catalog.has(i.productId));
	if (!gone.length) return;
	removeItems(gone.map((i) => i.productId));
	const named = gone.filter((i) => i.name).map((i) => t("cart.unavailable", { name: i.name }));
	const unnamed = gone.length - named.length;
	say(
		cartStatus,
		[...named, unnamed ? tn("cart.unavailableUnnamed", unnamed) : ""].join(" ").trim(),
	);
}

function render() {
	const items = catalogLoaded ? getItems().filter((i) => catalog.has(i.productId)) : getItems();
	const count = items.reduce((sum, i) => sum + i.quantity, 0);
	cartCount.textContent = String(count);
	cartCountUnit.textContent = tn("cart.items", count);

	if (!catalogLoaded) {
		payButton.disabled = true;
		renderCartBar(count, "");
		return;
	}
	const groups = cartGroups(items);
	const mixed = groups.length > 1;
	const currency = groups[0]?.money.currency ?? null;
	const focusKey = focusedCartControl();
	replaceChildren(
		cartLines,
		items.map((item) => cartLine(catalog.get(item.productId), item.quantity)),
	);
	restoreFocus(focusKey);

	cartEmpty.hidden = items.length > 0;
	const total = groups.length === 1 ? price(groups[0].total, groups[0].money) : "";
	cartSummary.hidden = total === "";
	cartTotal.textContent = total;
	cartCurrency.hidden = total === "";
	cartCurrency.textContent = total ? t("cart.currency", { currency: currencyLabel(currency) }) : "";
	renderConflict(groups);
	payButton.disabled = paying || items.length === 0 || mixed;
	updateProductButtons(items, currency);
	renderCartBar(count, total);
}

/** Two currencies in one cart: say so, and offer to remove the lines in each odd one. */
function renderConflict(groups) {
	cartConflict.hidden = groups.length < 2;
	if (groups.length < 2) {
		cartConflictText.textContent = "";
		replaceChildren(cartConflictActions);
		return;
	}
	const labels = groups.map((g) => currencyLabel(g.money.currency));
	cartConflictText.textContent = t("cart.mixedCurrencies", {
		currencies: new Intl.ListFormat(locale, { type: "conjunction" }).format(labels),
	});
	replaceChildren(
		cartConflictActions,
		groups.slice(1).map((g) =>
			h(
				"button",
				{
					type: "button",
					class: "btn btn-secondary",
					dataset: { action: "remove-currency", currency: g.money.currency },
				},
				t("cart.removeOdd", { currency: currencyLabel(g.money.currency) }),
			),
		),
	);
}

/** Phones: "View cart (2) · $48.00" at the bottom while the cart itself is out of view. */
function renderCartBar(count, total) {
	cartBar.textContent = total ? t("cart.viewTotal", { count, total }) : t("cart.view", { count });
	cartBar.hidden = count === 0 || cartInView;
	cartBar.dataset.count = String(count);
}

function cartLine(product, quantity) {
	const name = product.name;
	const qtyId = `qty-${product.id}`;
	const cap = capOf(product);
	return h(
		"li",
		{ class: "cart-line", dataset: { cartLine: product.id } },
		h(
			"div",
			{ class: "line-info" },
			h("span", { class: "line-name" }, name),
			h(
				"span",
				{ class: "line-unit small muted" },
				t("cart.each", { price: price(product.unitAmount, product) }),
			),
		),
		h(
			"div",
			{ class: "stepper" },
			h(
				"button",
				{
					type: "button",
					class: "step",
					dataset: { action: "dec", item: product.id },
					"aria-label": t("cart.decrease", { name }),
					disabled: quantity <= 1,
				},
				"−",
			),
			h("label", { for: qtyId, class: "visually-hidden" }, t("cart.quantityOf", { name })),
			h("input", {
				id: qtyId,
				type: "number",
				inputmode: "numeric",
				min: 1,
				max: Math.max(cap, 1),
				step: 1,
				value: quantity,
				class: "qty",
				dataset: { action: "qty", item: product.id },
			}),
			h(
				"button",
				{
					type: "button",
					class: "step",
					dataset: { action: "inc", item: product.id },
					"aria-label": t("cart.increase", { name }),
					disabled: quantity >= cap,
				},
				"+",
			),
		),
		h("span", { class: "line-total" }, price(product.unitAmount * quantity, product)),
		h(
			"button",
			{
				type: "button",
				class: "link-button remove",
				dataset: { action: "remove", item: product.id },
				// Starts with the visible word, so voice control finds it by what it shows.
				"aria-label": t("cart.removeNamed", { name }),
			},
			t("cart.remove"),
		),
	);
}

/** Which cart control has focus, so it can get it back after a re-render. */
function focusedCartControl() {
	const active = document.activeElement;
	if (!active || !cartLines.contains(active)) return null;
	return { action: active.dataset.action, item: active.dataset.item };
}

function restoreFocus(key) {
	if (!key) return;
	const selector = `[data-item="${CSS.escape(key.item)}"]`;
	let target = cartLines.querySelector(`${selector}[data-action="${key.action}"]`);
	if (!target || target.disabled)
		target = cartLines.querySelector(`${selector}[data-action="qty"]`);
	(target ?? cartEl).focus();
}

cartLines.addEventListener("click", (event) => {
	const button = event.target.closest("button[data-action]");
	if (!button || button.disabled) return;
	const { action, item: productId } = button.dataset;
	const product = catalog.get(productId);
	if (!product) return;
	const current = getItems().find((i) => i.productId === productId)?.quantity ?? 0;
	clearError();
	if (action === "inc" || action === "dec") {
		const cap = capOf(product);
		const quantity = action === "inc" ? Math.min(current + 1, cap) : Math.max(current - 1, 1);
		setQuantity(productId, quantity);
		render();
		const set = t("cart.quantitySet", { name: product.name, quantity });
		// The + button just went dim: say why.
		say(
			cartStatus,
			quantity >= cap && cap < MAX_QUANTITY ? `${set} ${capText(product, cap)}` : set,
		);
	} else if (action === "remove") {
		removeItem(productId);
		render();
		cartEl.focus();
		say(cartStatus, t("cart.removed", { name: product.name }));
	}
});

cartLines.addEventListener("change", (event) => {
	const input = event.target.closest('input[data-action="qty"]');
	if (!input) return;
	const product = catalog.get(input.dataset.item);
	if (!product) return;
	const quantity = Number(input.value);
	const cap = capOf(product);
	if (Number.isInteger(quantity) && quantity > cap && quantity <= MAX_QUANTITY && cap >= 1) {
		setQuantity(product.id, cap);
		clearError();
		say(cartStatus, capText(product, cap));
	} else if (Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_QUANTITY) {
		setQuantity(product.id, quantity);
		clearError();
		say(cartStatus, t("cart.quantitySet", { name: product.name, quantity }));
	} else {
		say(cartStatus, t("cart.quantityInvalid", { max: MAX_QUANTITY }));
	}
	render();
});

cartConflictActions.addEventListener("click", (event) => {
	const button = event.target.closest('button[data-action="remove-currency"]');
	if (!button) return;
	const { currency } = button.dataset;
	removeItems(
		getItems()
			.filter((i) => catalog.get(i.productId)?.currency === currency)
			.map((i) => i.productId),
	);
	clearError();
	render();
	cartEl.focus();
	say(cartStatus, t("cart.removedOdd", { currency: currencyLabel(currency) }));
});

// Keep tabs in step: another tab changed the cart (or the success page emptied it).
window.addEventListener("storage", (event) => {
	if (event.key === CART_STORAGE_KEY || event.key === null) render();
});

// The bar stands in for the cart only while the cart is out of view (the bar's own strip excluded).
if ("IntersectionObserver" in window) {
	new IntersectionObserver(
		(entries) => {
			cartInView = entries.some((e) => e.isIntersecting);
			cartBar.hidden = cartBar.dataset.count === "0" || cartInView;
		},
		{ rootMargin: "0px 0px -96px 0px" },
	).observe(cartEl);
}

// ---- pay ------------------------------------------------------------------

payButton.addEventListener("click", async () => {
	if (paying) return;
	const items = getItems().filter((i) => catalog.has(i.productId));
	if (!items.length || cartGroups(items).length > 1) return;
	paying = true;
	payButton.disabled = true;
	payButton.setAttribute("aria-busy", "true");
	clearError();
	say(cartStatus, t("cart.preparing"));
	// Resuming: the server answers the same open session for an unchanged
	// cart, or replaces the old order when the cart changed.
	const last = getLastCheckout();
	try {
		const result = await createCheckoutSession(
			{ items, orderId: last?.orderId, resumeToken: last?.resumeToken, locale },
			{ onWait: (seconds) => say(cartStatus, t("cart.stillPreparing", { seconds })) },
		);
		setLastCheckout(result.orderId, items, result.resumeToken);
		say(cartStatus, t("cart.redirecting"));
		window.location.assign(result.url);
		return;
	} catch (err) {
		if (err instanceof ApiError && err.code === "order_already_paid") {
			clearLastCheckout();
			showError(t("cart.previousPaid"));
		} else if (err instanceof ApiError && err.code === "out_of_stock") {
			await fitCartAfterShortage(err);
		} else {
			showError(errorText(err));
		}
		say(cartStatus, "");
	}
	paying = false;
	payButton.removeAttribute("aria-busy");
	render();
});

// Back from Stripe through the back/forward cache: the page is as we left it.
window.addEventListener("pageshow", (event) => {
	if (!event.persisted) return;
	paying = false;
	payButton.removeAttribute("aria-busy");
	say(cartStatus, "");
	for (const form of productsEl.querySelectorAll("form.buy-now")) {
		delete form.dataset.submitted;
		for (const b of form.querySelectorAll("button")) b.removeAttribute("aria-disabled");
	}
	render();
});

render();
loadProducts();
