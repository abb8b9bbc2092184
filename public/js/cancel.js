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

if (!orderId) {
	resumeButton.hidden = true;
	say(statusEl, "There is no checkout to resume. Go back to your cart to start one.");
}

/** The items of the order to resume: from this browser's last checkout, else from the server. */
async function itemsOfOrder(id) {
	if (last?.orderId === id && last.items.length) return last.items;
	const order = await requestJson(`/api/orders/${encodeURIComponent(id)}`);
	return (order.items ?? []).map((i) => ({ productId: i.productId, quantity: i.quantity }));
}

function showAlreadyPaid(items) {
	errorEl.textContent = "This order is already paid — there's nothing more to pay.";
	resumeButton.hidden = true;
	backToCart.hidden = true;
	homeLink.hidden = false;
	if (last?.orderId === orderId) clearLastCheckout();
	if (items && sameItems(getItems(), items)) clearCart();
	homeLink.focus();
}

resumeButton.addEventListener("click", async () => {
	if (!orderId || resumeButton.disabled) return;
	resumeButton.disabled = true;
	resumeButton.setAttribute("aria-busy", "true");
	errorEl.textContent = "";
	say(statusEl, "Reopening your checkout…");
	let items = null;
	try {
		items = await itemsOfOrder(orderId);
		const result = await createCheckoutSession(
			{ items, orderId, resumeToken },
			{ onWait: (s) => say(statusEl, `Still preparing your checkout… (retrying in ${s} s)`) },
		);
		setLastCheckout(result.orderId, items, result.resumeToken);
		say(statusEl, "Redirecting to Stripe…");
		window.location.assign(result.url);
		return;
	} catch (err) {
		say(statusEl, "");
		if (err instanceof ApiError && err.code === "order_already_paid") {
			showAlreadyPaid(items);
		} else if (err instanceof ApiError && err.code === "order_not_found") {
			errorEl.textContent =
				"We couldn't find this order. Go back to your cart to start a new checkout.";
			resumeButton.hidden = true;
		} else if (err instanceof ApiError && err.code === "rate_limited") {
			const wait = err.retryAfter ? `${err.retryAfter} seconds` : "a minute";
			errorEl.textContent = `Too many checkout attempts from your connection. Please wait ${wait} and try again.`;
		} else {
			errorEl.textContent =
				err instanceof ApiError ? err.message : "Something went wrong. Please try again.";
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
