/**
 * The success page arrives already showing the order as the worker knows it
 * (src/pages/success-page.ts). While it is not final, this asks the API (which
 * asks Stripe) and, when the status changes, loads the page again so the worker
 * shows it. It also offers "Try again" after a decline and forgets a paid cart.
 */
import { ApiError, createCheckoutSession, goToPayment, requestJson } from "./api.js";
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

const statusEl = byId("status");
const statusText = byId("status-text");
const statusDetail = byId("status-detail");
const errorEl = byId("error");
const retryButton = byId("retry");
const checkAgainButton = byId("check-again");
const refreshLink = byId("refresh");

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 5000;
const PROCESSING_DELAY_MS = 15000;
const GIVE_UP_AFTER_MS = 2 * 60 * 1000;

const sessionId = new URLSearchParams(location.search).get("session_id");
/** What the worker rendered: a different answer means the page is out of date. */
const shown = statusEl.dataset.status;
/**
 * Where the order stood as rendered (the worker decides: `progress` in its
 * JSON, these attributes on the page). A page without an order (`not_found`)
 * has none of them and changes no more.
 */
const rendered = {
	settled: statusEl.dataset.settled !== "false",
	paid: statusEl.dataset.paid === "true",
	slow: statusEl.dataset.slow === "true",
};
/** Whether it was rendered paid before Stripe's report of the address, totals and card reached us. */
const shownPending = statusEl.dataset.detailsPending === "true";

let order = null;
let delay = FIRST_DELAY_MS;
let startedAt = Date.now();
let timer = null;
let failures = 0;
let paused = false;

// The script keeps the page current itself: the no-script refresh link is not needed.
refreshLink.hidden = true;

// A page that arrives paid ends this browser's checkout at once, before any poll.
if (rendered.paid) {
	if (getLastCheckout()?.orderId === byId("order-id").textContent) {
		clearCart();
		clearLastCheckout();
	}
}

function schedule(ms) {
	clearTimeout(timer);
	timer = setTimeout(poll, ms);
}

async function poll() {
	timer = null;
	if (document.hidden) {
		paused = true;
		return;
	}
	try {
		order = await requestJson(`/api/orders/by-session/${encodeURIComponent(sessionId)}`);
		failures = 0;
		errorEl.textContent = "";
	} catch (err) {
		if (err instanceof ApiError && err.status === 404) return;
		failures += 1;
		if (failures >= 3) errorEl.textContent = t("success.unreachable");
	}
	// A new status, or the details that came after it: the worker renders the page again.
	if (order && (order.status !== shown || (shownPending && !order.detailsPending))) {
		location.reload();
		return;
	}
	if (order) settle(order);
	const now = order?.progress ?? rendered;
	if (now.settled) return;
	if (now.slow) {
		// Bank payments take days: keep asking, slowly.
		schedule(PROCESSING_DELAY_MS);
		return;
	}
	if (Date.now() - startedAt > GIVE_UP_AFTER_MS) {
		giveUp();
		return;
	}
	schedule(delay);
	delay = Math.min(Math.round(delay * 1.5), MAX_DELAY_MS);
}

/** What this browser does about the order as it is: retry a decline, forget a paid cart. */
function settle(o) {
	retryButton.hidden = !o.progress.retry;
	if (o.progress.paid) forgetPaidCart(o);
}

/** The cart that was just paid for is done: empty it and forget the checkout. */
function forgetPaidCart(o) {
	const last = getLastCheckout();
	const items = (o.items ?? []).map((i) => ({ productId: i.productId, quantity: i.quantity }));
	if (last?.orderId === o.id || sameItems(getItems(), items)) {
		clearCart();
		clearLastCheckout();
	}
}

function giveUp() {
	clearTimeout(timer);
	timer = null;
	if (!order || order.progress.awaitingPayment) {
		statusEl.dataset.status = order?.status ?? "unknown";
		say(statusText, t("success.slow"));
		say(statusDetail, t("success.slowDetail"));
	}
	checkAgainButton.hidden = false;
}

checkAgainButton.addEventListener("click", () => {
	say(statusText, t("success.checking"));
	startedAt = Date.now();
	delay = FIRST_DELAY_MS;
	checkAgainButton.hidden = true;
	poll();
});

document.addEventListener("visibilitychange", () => {
	if (!document.hidden && paused) {
		paused = false;
		poll();
	}
});

retryButton.addEventListener("click", async () => {
	if (!order) return;
	retryButton.disabled = true;
	errorEl.textContent = "";
	const items = order.items.map((i) => ({ productId: i.productId, quantity: i.quantity }));
	try {
		// This browser's own checkout resumes its session; without the token it is a new order.
		const last = getLastCheckout();
		const resumeToken = last?.orderId === order.id ? last.resumeToken : null;
		const result = await createCheckoutSession({ items, orderId: order.id, resumeToken, locale });
		setLastCheckout(result.orderId, items, result.resumeToken);
		goToPayment(result, locale);
		return;
	} catch (err) {
		errorEl.textContent =
			err instanceof ApiError && err.code === "order_already_paid"
				? t("success.alreadyPaid")
				: errorText(err);
		if (err instanceof ApiError && err.code === "order_already_paid") poll();
	}
	retryButton.disabled = false;
});

window.addEventListener("pageshow", (event) => {
	if (event.persisted) retryButton.disabled = false;
});

if (sessionId) poll();
