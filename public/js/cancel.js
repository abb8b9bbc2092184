/**
 * "Resume payment" is a real form the worker fills in (src/pages/cancel-page.ts);
 * with JavaScript it is sent as JSON instead, so a slow checkout can say it is
 * waiting and an already-paid order can say so without leaving the page.
 */
import { ApiError, createCheckoutSession, requestJson } from "./api.js";
import {
	clearCart,
	clearLastCheckout,
	getItems,
	getLastCheckout,
	sameItems,
	setLastCheckout,
} from "./cart.js";
import { byId, say } from "./dom.js";
import { errorText, locale, t } from "./i18n.js";

const form = byId("resume-form");
const resumeButton = byId("resume");
const backToCart = byId("back-to-cart");
const homeLink = byId("home-link");
const errorEl = byId("error");
const statusEl = byId("cancel-status");

const last = getLastCheckout();
const query = new URLSearchParams(location.search);
const orderId = query.get("order_id") || last?.orderId || null;
// The order's resume token comes in the cancel URL (or from this browser's last checkout).
const resumeToken =
	query.get("token") || (last?.orderId === orderId ? last?.resumeToken : null) || null;

// Without the order's token the shop makes a new order of the same items.
if (orderId) {
	form.hidden = false;
} else {
	form.hidden = true;
	say(statusEl, t("cancel.nothingToResume"));
}

/** The items of the order to resume: from this browser's last checkout, else from the server. */
async function itemsOfOrder(id) {
	if (last?.orderId === id && last.items.length) return last.items;
	const order = await requestJson(`/api/orders/${encodeURIComponent(id)}`);
	return (order.items ?? []).map((i) => ({ productId: i.productId, quantity: i.quantity }));
}

function showAlreadyPaid(items) {
	errorEl.textContent = t("error.order_already_paid");
	form.hidden = true;
	backToCart.hidden = true;
	homeLink.hidden = false;
	if (last?.orderId === orderId) clearLastCheckout();
	if (items && sameItems(getItems(), items)) clearCart();
	homeLink.focus();
}

form.addEventListener("submit", async (event) => {
	event.preventDefault();
	if (!orderId || resumeButton.disabled) return;
	resumeButton.disabled = true;
	resumeButton.setAttribute("aria-busy", "true");
	errorEl.textContent = "";
	say(statusEl, t("cancel.reopening"));
	let items = null;
	try {
		items = await itemsOfOrder(orderId);
		const result = await createCheckoutSession(
			{ items, orderId, resumeToken, locale },
			{ onWait: (seconds) => say(statusEl, t("cart.stillPreparing", { seconds })) },
		);
		setLastCheckout(result.orderId, items, result.resumeToken);
		say(statusEl, t("cart.redirecting"));
		window.location.assign(result.url);
		return;
	} catch (err) {
		say(statusEl, "");
		if (err instanceof ApiError && err.code === "order_already_paid") {
			showAlreadyPaid(items);
		} else {
			errorEl.textContent = errorText(err);
			if (err instanceof ApiError && err.code === "order_not_found") form.hidden = true;
		}
	}
	resumeButton.disabled = false;
	resumeButton.removeAttribute("aria-busy");
});

window.addEventListener("pageshow", (event) => {
	if (!event.persisted) return;
	resumeButton.disabled = false;
	resumeButton.removeAttribute("aria-busy");
	say(statusEl, "");
});
