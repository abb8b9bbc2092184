/**
 * The shop's page: loads the catalogue, wires the product cards
 * (storefront-products.js) to the cart (storefront-cart.js), fits the cart to
 * the stock, and pays through Stripe Checkout.
 */
import { ApiError, createCheckoutSession, goToPayment, requestJson } from "./api.js";
import {
	CART_STORAGE_KEY,
	clearLastCheckout,
	fitItems,
	forgetCheckoutKey,
	getItems,
	getLastCheckout,
	rememberNames,
	removeItems,
	setLastCheckout,
} from "./cart.js";
import { byId, h, replaceChildren, say } from "./dom.js";
import { errorText, locale, t, tn } from "./i18n.js";
import { cartGroups, cartView } from "./storefront-cart.js";
import { destinationField } from "./storefront-destination.js";
import { capOf, productList, unitsLeft } from "./storefront-products.js";

// The cart needs this script: the stylesheet keeps it out of sight until then (html:not(.js)).
document.documentElement.classList.add("js");

const productsEl = byId("products");
const productsStatus = byId("products-status");
const cartStatus = byId("cart-status");
const errorEl = byId("error");
const payButton = byId("pay");

/**
 * The catalogue as last loaded, by product id: filled again in place on each load (the
 * product list and the cart read this same map).
 * @type {Map<string, {id: string, name: string, description: string, unitAmount: number, currency: string, minorUnits: number, available: number | null, maxPerOrder: number | null}>}
 */
const catalog = new Map();
let catalogLoaded = false;
let paying = false;

function showError(message) {
	errorEl.textContent = message;
}

function clearError() {
	errorEl.textContent = "";
}

/** "A and B", in the page's language. */
function listOf(names) {
	return new Intl.ListFormat(locale, { type: "conjunction" }).format(names);
}

const products = productList({
	list: productsEl,
	catalog,
	cartCurrency: (items) => cartGroups(items, catalog)[0]?.money.currency,
	// `cart` is declared below: a click only comes once the page is wired.
	onAdded(product, count) {
		clearError();
		cart.render();
		say(cartStatus, t("shop.added", { name: product.name, count }));
	},
});

const destination = destinationField();

const cart = cartView({
	catalog,
	destination,
	isLoaded: () => catalogLoaded,
	isPaying: () => paying,
	payButton,
	status: cartStatus,
	clearError,
	updateProducts: products.update,
});

// ---- products -------------------------------------------------------------

/** Fetches the catalogue and shows it; drops cart lines for products no longer sold. */
async function refreshCatalog() {
	// The names and descriptions in the page's language.
	const data = await requestJson(`/api/products?lang=${encodeURIComponent(locale)}`);
	const list = Array.isArray(data.products) ? data.products : [];
	const fresh = new Map(list.map((p) => [p.id, p]));
	// Filled again in place (built first, so a bad answer leaves it as it was).
	catalog.clear();
	for (const [id, p] of fresh) catalog.set(id, p);
	catalogLoaded = true;
	products.show(list);
	say(productsStatus, list.length ? "" : t("shop.noProducts"));
	rememberNames(new Map(list.map((p) => [p.id, p.name])));
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
		cart.render();
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

// ---- the cart against the stock -------------------------------------------

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

// ---- pay ------------------------------------------------------------------

payButton.addEventListener("click", async () => {
	if (paying) return;
	const items = getItems().filter((i) => catalog.has(i.productId));
	if (!items.length || cartGroups(items, catalog).length > 1) return;
	paying = true;
	payButton.disabled = true;
	payButton.setAttribute("aria-busy", "true");
	clearError();
	say(cartStatus, t("cart.preparing"));
	// Resuming: the server answers the same open session for an unchanged
	// cart, or replaces the old order when the cart changed.
	const last = getLastCheckout();
	try {
		const ships = items.some((i) => catalog.get(i.productId)?.shippable);
		const country = destination.country(ships);
		const result = await createCheckoutSession(
			{ items, orderId: last?.orderId, resumeToken: last?.resumeToken, locale, country },
			{ onWait: (seconds) => say(cartStatus, t("cart.stillPreparing", { seconds })) },
		);
		setLastCheckout(result.orderId, items, result.resumeToken);
		say(cartStatus, t(result.url ? "cart.redirecting" : "cart.opening"));
		goToPayment(result, locale);
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
	cart.render();
});

// Keep tabs in step: another tab changed the cart (or the success page emptied it).
window.addEventListener("storage", (event) => {
	if (event.key === CART_STORAGE_KEY || event.key === null) cart.render();
});

// Back from Stripe through the back/forward cache: the page is as we left it.
window.addEventListener("pageshow", (event) => {
	if (!event.persisted) return;
	paying = false;
	payButton.removeAttribute("aria-busy");
	say(cartStatus, "");
	products.reopenBuyNow();
	cart.render();
});

cart.render();
loadProducts();
