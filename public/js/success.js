import { ApiError, createCheckoutSession, requestJson } from "./api.js";
import { cardBrand } from "./card-brand.js";
import {
	clearCart,
	clearLastCheckout,
	getItems,
	getLastCheckout,
	sameItems,
	setLastCheckout,
} from "./cart.js";
import { byId, h, replaceChildren, say, webLink } from "./dom.js";
import { formatMoney } from "./money.js";

const statusEl = byId("status");
const statusText = byId("status-text");
const statusDetail = byId("status-detail");
const errorEl = byId("error");
const retryButton = byId("retry");
const checkAgainButton = byId("check-again");
const orderSection = byId("order");

/** Statuses after which nothing changes by itself any more. */
const FINAL = new Set(["paid", "fulfilled", "expired", "canceled", "refunded"]);
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 5000;
const PROCESSING_DELAY_MS = 15000;
const GIVE_UP_AFTER_MS = 2 * 60 * 1000;

const sessionId = new URLSearchParams(location.search).get("session_id");

let order = null;
let delay = FIRST_DELAY_MS;
let startedAt = Date.now();
let timer = null;
let failures = 0;
/** Polling stopped while the page was hidden; resumed when it is visible again. */
let paused = false;
let connectionError = false;

const MESSAGES = {
	pending: ["Confirming your payment…", "This usually takes a few seconds."],
	processing: [
		"Your payment is processing (bank payments can take a few days). We'll update this page.",
		"You can close this page: we'll confirm the order once your bank does.",
	],
	paid: ["Payment received — thank you!", "Your order is confirmed."],
	fulfilled: ["Your order is on its way.", "It has shipped: follow it with the tracking below."],
	failed: ["Your payment didn't go through.", ""],
	expired: ["This checkout expired.", "You have not been charged. Your cart is still in the shop."],
	canceled: [
		"This checkout was canceled.",
		"It was replaced by a newer checkout or could not be started. You have not been charged for it.",
	],
	refunded: [
		"This order has been refunded.",
		"The money goes back to your original payment method; it can take a few business days to appear.",
	],
};

function setStatus(status, text, detail = "") {
	statusEl.dataset.status = status;
	say(statusText, text);
	say(statusDetail, detail);
}

function renderOrder(o) {
	const known = MESSAGES[o.status] ?? [`Order status: ${o.status}`, ""];
	let [text, detail] = known;
	if (o.status === "failed") {
		detail = o.failureMessage
			? `${o.failureMessage} You can try again; you have not been charged.`
			: "You have not been charged. You can try again.";
	}
	setStatus(o.status, text, detail);
	retryButton.hidden = o.status !== "failed";
	checkAgainButton.hidden = true;

	byId("order-id").textContent = o.id;
	replaceChildren(
		byId("order-items"),
		(o.items ?? []).map((item) =>
			h(
				"tr",
				{},
				h("th", { scope: "row" }, item.name),
				h("td", { class: "num" }, String(item.quantity)),
				h("td", { class: "num" }, formatMoney(item.unitAmount, o)),
				h("td", { class: "num" }, formatMoney(item.unitAmount * item.quantity, o)),
			),
		),
	);
	renderTotals(o);
	renderFacts(o);
	orderSection.hidden = false;

	if (o.status === "paid" || o.status === "fulfilled") forgetPaidCart(o);
}

/** Subtotal, then what Stripe's page took off or added, then what was charged. */
function renderTotals(o) {
	const subtotal = o.subtotal ?? o.amount;
	byId("order-subtotal").textContent = formatMoney(subtotal, o);
	const row = (name, amount, text) => {
		byId(`row-${name}`).hidden = !amount;
		byId(`order-${name}`).textContent = text ?? formatMoney(amount, o);
	};
	row("discount", o.amountDiscount, `−${formatMoney(o.amountDiscount ?? 0, o)}`);
	// A shipped order always shows its shipping, even when it was free.
	byId("row-shipping").hidden = !(o.amountShipping || o.shipping);
	byId("order-shipping").textContent = formatMoney(o.amountShipping ?? 0, o);
	byId("order-shipping-label").textContent = o.shipping?.rateName
		? `Shipping (${o.shipping.rateName})`
		: "Shipping";
	row("tax", o.amountTax);
	byId("order-total").textContent = formatMoney(o.amount, o);
}

/** Where it goes, who it is for, how it was paid, and where it is. */
function renderFacts(o) {
	const facts = [];
	if (o.shipping) {
		const place = [o.shipping.name, o.shipping.city, countryName(o.shipping.country)].filter(
			Boolean,
		);
		facts.push(["Shipping to", place.join(", ")]);
	}
	if (o.emailHint) facts.push(["Confirmation for", o.emailHint]);
	if (o.payment?.last4) {
		const brand = cardBrand(o.payment.brand);
		facts.push(["Paid with", `${brand} ending in ${o.payment.last4}`]);
	}
	if (o.payment?.receiptUrl) {
		facts.push(["Receipt", webLink(o.payment.receiptUrl, "View Stripe's receipt")]);
	}
	const shipped = o.fulfillment;
	if (shipped) {
		const how = [shipped.carrier, shipped.trackingNumber].filter(Boolean).join(" · ") || "Shipped";
		facts.push(["Tracking", shipped.trackingUrl ? webLink(shipped.trackingUrl, how) : how]);
	}
	replaceChildren(
		byId("order-facts"),
		facts.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
	);
}

function countryName(code) {
	if (!code) return null;
	try {
		return (
			new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "region" }).of(code) ??
			code
		);
	} catch {
		return code;
	}
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

function schedule(ms) {
	clearTimeout(timer);
	timer = setTimeout(poll, ms);
}

function stopPolling() {
	clearTimeout(timer);
	timer = null;
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
		renderOrder(order);
	} catch (err) {
		if (err instanceof ApiError && err.status === 404) {
			setStatus(
				"not_found",
				"We couldn't find this order.",
				"Check the link, or contact us if you were charged.",
			);
			return;
		}
		failures += 1;
		if (!order || failures >= 3) {
			errorEl.textContent = `We're having trouble reaching the shop (${err.message}). Still trying…`;
			connectionError = true;
		}
	}
	if (connectionError && failures === 0) {
		errorEl.textContent = "";
		connectionError = false;
	}
	const status = order?.status;
	if (status && FINAL.has(status)) return;
	if (status === "processing") {
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

function giveUp() {
	stopPolling();
	if (!order || order.status === "pending") {
		setStatus(
			order?.status ?? "unknown",
			"We're still confirming your payment.",
			"This is taking longer than usual. Refresh this page in a few minutes; you'll also get a receipt by e-mail once it's confirmed.",
		);
	}
	if (connectionError) errorEl.textContent = "";
	connectionError = false;
	checkAgainButton.hidden = false;
}

function restartPolling() {
	startedAt = Date.now();
	delay = FIRST_DELAY_MS;
	checkAgainButton.hidden = true;
	poll();
}

checkAgainButton.addEventListener("click", () => {
	if (order?.status !== "failed") setStatus(order?.status ?? "loading", "Checking again…");
	restartPolling();
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
		const result = await createCheckoutSession({ items, orderId: order.id, resumeToken });
		setLastCheckout(result.orderId, items, result.resumeToken);
		window.location.assign(result.url);
		return;
	} catch (err) {
		if (err instanceof ApiError && err.code === "order_already_paid") {
			errorEl.textContent = "This order is already paid — no need to pay again.";
			restartPolling();
		} else {
			errorEl.textContent = err.message;
		}
	}
	retryButton.disabled = false;
});

window.addEventListener("pageshow", (event) => {
	if (event.persisted) retryButton.disabled = false;
});

if (!sessionId) {
	setStatus(
		"not_found",
		"We couldn't find this order.",
		"This page needs the link Stripe sends you back with.",
	);
} else {
	poll();
}
