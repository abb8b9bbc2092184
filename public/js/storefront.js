import { ApiError, createCheckoutSession, requestJson } from "./api.js";
import {
	addItem,
	CART_STORAGE_KEY,
	clearLastCheckout,
	getItems,
	getLastCheckout,
	MAX_LINES,
	MAX_QUANTITY,
	removeItem,
	setLastCheckout,
	setQuantity,
} from "./cart.js";
import { byId, h, replaceChildren, say, srOnly } from "./dom.js";
import { currencyLabel, formatMoney } from "./money.js";

const productsEl = byId("products");
const productsStatus = byId("products-status");
const cartEl = byId("cart");
const cartLines = byId("cart-lines");
const cartEmpty = byId("cart-empty");
const cartCurrency = byId("cart-currency");
const cartSummary = byId("cart-summary");
const cartTotal = byId("cart-total");
const cartCount = byId("cart-count");
const cartCountUnit = byId("cart-count-unit");
const cartStatus = byId("cart-status");
const errorEl = byId("error");
const payButton = byId("pay");

/** @type {Map<string, {id: string, name: string, description: string, unitAmount: number, currency: string, minorUnits: number}>} */
let catalog = new Map();
let catalogLoaded = false;
let paying = false;

function showError(message) {
	errorEl.textContent = message;
}

function clearError() {
	errorEl.textContent = "";
}

// ---- products -------------------------------------------------------------

async function loadProducts() {
	say(productsStatus, "Loading products…");
	productsEl.setAttribute("aria-busy", "true");
	try {
		const data = await requestJson("/api/products");
		const products = Array.isArray(data.products) ? data.products : [];
		catalog = new Map(products.map((p) => [p.id, p]));
		catalogLoaded = true;
		renderProducts(products);
		say(productsStatus, products.length ? "" : "No products are for sale right now.");
		dropUnknownCartItems();
		render();
	} catch (err) {
		replaceChildren(productsEl);
		say(productsStatus, `We couldn't load the products. ${err.message}`);
		const retry = h("button", { type: "button", class: "btn btn-secondary" }, "Try again");
		retry.addEventListener("click", () => {
			retry.remove();
			loadProducts();
		});
		productsStatus.after(retry);
	} finally {
		productsEl.removeAttribute("aria-busy");
	}
}

function renderProducts(products) {
	replaceChildren(
		productsEl,
		products.map((p) => {
			const headingId = `product-${p.id}-name`;
			const noteId = `product-${p.id}-note`;
			return h(
				"li",
				{ class: "product-card", dataset: { productId: p.id } },
				h("h2", { class: "product-name", id: headingId }, p.name),
				p.description ? h("p", { class: "product-desc" }, p.description) : null,
				h(
					"p",
					{ class: "product-price" },
					formatMoney(p.unitAmount, p),
					h("span", { class: "in-cart-count" }),
				),
				h(
					"div",
					{ class: "product-actions" },
					h(
						"button",
						{
							type: "button",
							class: "btn btn-primary",
							dataset: { action: "add", item: p.id },
							"aria-describedby": noteId,
						},
						"Add",
						srOnly(` ${p.name}`),
						" to cart",
					),
					// Plain form post: works without this script (the server answers 303 to Stripe).
					h(
						"form",
						{ method: "post", action: "/create-checkout-session", class: "buy-now" },
						h("input", { type: "hidden", name: "productId", value: p.id }),
						h("input", { type: "hidden", name: "quantity", value: "1" }),
						h(
							"button",
							{ type: "submit", class: "btn btn-secondary" },
							"Buy",
							srOnly(` ${p.name}`),
							" now",
						),
					),
				),
				h("p", { class: "product-note small", id: noteId }),
			);
		}),
	);
}

/** Why a product cannot be added right now, or "" when it can. */
function addBlockedReason(product, items, currency) {
	const line = items.find((i) => i.productId === product.id);
	if (currency && product.currency !== currency) {
		return `Your cart is in ${currencyLabel(currency)}. Pay for it or empty it first to buy items priced in ${currencyLabel(product.currency)}.`;
	}
	if (line && line.quantity >= MAX_QUANTITY)
		return `You have the maximum of ${MAX_QUANTITY} in your cart.`;
	if (!line && items.length >= MAX_LINES)
		return `A cart holds at most ${MAX_LINES} different products.`;
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
		note.textContent = reason;
		const inCart = items.find((i) => i.productId === product.id)?.quantity ?? 0;
		card.classList.toggle("in-cart", inCart > 0);
		card.querySelector(".in-cart-count").textContent = inCart > 0 ? `${inCart} in cart` : "";
	}
}

productsEl.addEventListener("click", (event) => {
	const button = event.target.closest('button[data-action="add"]');
	if (!button || button.disabled) return;
	const product = catalog.get(button.dataset.item);
	if (!product) return;
	const currency = cartCurrencyOf(getItems());
	if (addBlockedReason(product, getItems(), currency)) return;
	const items = addItem(product.id);
	const quantity = items.find((i) => i.productId === product.id)?.quantity ?? 0;
	clearError();
	render();
	say(cartStatus, `Added ${product.name} to your cart (${quantity} in cart).`);
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

/** The cart's money (`currency`, `minorUnits`), from its first known product; null when empty. */
function cartMoneyOf(items) {
	for (const item of items) {
		const product = catalog.get(item.productId);
		if (product) return { currency: product.currency, minorUnits: product.minorUnits };
	}
	return null;
}

function cartCurrencyOf(items) {
	return cartMoneyOf(items)?.currency ?? null;
}

function dropUnknownCartItems() {
	const unknown = getItems().filter((i) => !catalog.has(i.productId));
	for (const item of unknown) removeItem(item.productId);
	if (unknown.length) {
		say(
			cartStatus,
			unknown.length === 1
				? "An item that is no longer sold was removed from your cart."
				: `${unknown.length} items that are no longer sold were removed from your cart.`,
		);
	}
}

function render() {
	const items = catalogLoaded ? getItems().filter((i) => catalog.has(i.productId)) : getItems();
	const currency = cartCurrencyOf(items);
	const count = items.reduce((sum, i) => sum + i.quantity, 0);
	cartCount.textContent = String(count);
	cartCountUnit.textContent = count === 1 ? " item" : " items";

	if (!catalogLoaded) {
		payButton.disabled = true;
		return;
	}
	const focusKey = focusedCartControl();
	let total = 0;
	replaceChildren(
		cartLines,
		items.map((item) => {
			const product = catalog.get(item.productId);
			const lineTotal = product.unitAmount * item.quantity;
			total += lineTotal;
			return cartLine(product, item.quantity, lineTotal);
		}),
	);
	restoreFocus(focusKey);

	cartEmpty.hidden = items.length > 0;
	cartSummary.hidden = items.length === 0;
	const money = cartMoneyOf(items);
	cartTotal.textContent = money ? formatMoney(total, money) : "";
	cartCurrency.hidden = !currency;
	cartCurrency.textContent = currency
		? `Prices in ${currencyLabel(currency)}. A cart holds one currency.`
		: "";
	payButton.disabled = paying || items.length === 0;
	updateProductButtons(items, currency);
}

function cartLine(product, quantity, lineTotal) {
	const name = product.name;
	const qtyId = `qty-${product.id}`;
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
				`${formatMoney(product.unitAmount, product)} each`,
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
					"aria-label": `Decrease quantity of ${name}`,
					disabled: quantity <= 1,
				},
				"−",
			),
			h("label", { for: qtyId, class: "visually-hidden" }, `Quantity of ${name}`),
			h("input", {
				id: qtyId,
				type: "number",
				inputmode: "numeric",
				min: 1,
				max: MAX_QUANTITY,
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
					"aria-label": `Increase quantity of ${name}`,
					disabled: quantity >= MAX_QUANTITY,
				},
				"+",
			),
		),
		h("span", { class: "line-total" }, formatMoney(lineTotal, product)),
		h(
			"button",
			{
				type: "button",
				class: "link-button remove",
				dataset: { action: "remove", item: product.id },
			},
			"Remove",
			srOnly(` ${name} from cart`),
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
	if (action === "inc") {
		setQuantity(productId, Math.min(current + 1, MAX_QUANTITY));
		render();
		say(cartStatus, `${product.name}: quantity ${Math.min(current + 1, MAX_QUANTITY)}.`);
	} else if (action === "dec") {
		setQuantity(productId, Math.max(current - 1, 1));
		render();
		say(cartStatus, `${product.name}: quantity ${Math.max(current - 1, 1)}.`);
	} else if (action === "remove") {
		removeItem(productId);
		render();
		cartEl.focus();
		say(cartStatus, `Removed ${product.name} from your cart.`);
	}
});

cartLines.addEventListener("change", (event) => {
	const input = event.target.closest('input[data-action="qty"]');
	if (!input) return;
	const { item: productId } = input.dataset;
	const product = catalog.get(productId);
	const value = Number(input.value);
	if (Number.isInteger(value) && value >= 1 && value <= MAX_QUANTITY) {
		setQuantity(productId, value);
		clearError();
		say(cartStatus, `${product?.name ?? "Item"}: quantity ${value}.`);
	} else {
		say(cartStatus, `Quantity must be a whole number from 1 to ${MAX_QUANTITY}.`);
	}
	render();
});

// Keep tabs in step: another tab changed the cart (or the success page emptied it).
window.addEventListener("storage", (event) => {
	if (event.key === CART_STORAGE_KEY || event.key === null) render();
});

// ---- pay ------------------------------------------------------------------

function checkoutErrorMessage(err) {
	if (!(err instanceof ApiError)) return "Something went wrong. Please try again.";
	if (err.code === "rate_limited") {
		const wait = err.retryAfter ? `${err.retryAfter} seconds` : "a minute";
		return `Too many checkout attempts from your connection. Please wait ${wait} and try again.`;
	}
	if (err.code === "request_in_progress")
		return "Your checkout is still being prepared. Please try again in a moment.";
	return err.message;
}

payButton.addEventListener("click", async () => {
	if (paying) return;
	const items = getItems().filter((i) => catalog.has(i.productId));
	if (!items.length) return;
	paying = true;
	payButton.disabled = true;
	payButton.setAttribute("aria-busy", "true");
	clearError();
	say(cartStatus, "Starting secure checkout…");
	// Resuming: the server answers the same open session for an unchanged
	// cart, or replaces the old order when the cart changed.
	const last = getLastCheckout();
	try {
		const result = await createCheckoutSession(
			{ items, orderId: last?.orderId, resumeToken: last?.resumeToken },
			{ onWait: (s) => say(cartStatus, `Still preparing your checkout… (retrying in ${s} s)`) },
		);
		setLastCheckout(result.orderId, items, result.resumeToken);
		say(cartStatus, "Redirecting to Stripe…");
		window.location.assign(result.url);
		return;
	} catch (err) {
		if (err instanceof ApiError && err.code === "order_already_paid") {
			clearLastCheckout();
			showError(
				"Your previous checkout has already been paid, so nothing new was charged. Press Pay again only if you want to place another order.",
			);
		} else {
			showError(checkoutErrorMessage(err));
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
