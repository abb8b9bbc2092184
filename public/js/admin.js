import { catalogTab } from "./admin-catalog.js";
import { ApiError, requestJson } from "./api.js";
import { cardBrand } from "./card-brand.js";
import { byId, h, replaceChildren, say, srOnly, timeEl, webLink } from "./dom.js";
import { currencyLabel, formatMoney, toMajorString, toMinorUnits } from "./money.js";

const TOKEN_KEY = "shop.adminToken";
/** 404s that are about one thing, not about admin being switched off. */
const NOT_FOUND_CODES = new Set(["order_not_found", "email_not_found", "product_not_found"]);
const PAGE_SIZE = 50;

const errorEl = byId("admin-error");
const loginSection = byId("login");
const tokenForm = byId("token-form");
const tokenInput = byId("admin-token");
const consoleSection = byId("console");

// ---- token (this tab only) --------------------------------------------------

function getToken() {
	try {
		return sessionStorage.getItem(TOKEN_KEY);
	} catch {
		return null;
	}
}

function setToken(token) {
	try {
		sessionStorage.setItem(TOKEN_KEY, token);
	} catch {
		// Storage disabled: the token lives until the next reload.
	}
	memoryToken = token;
}

function clearToken() {
	try {
		sessionStorage.removeItem(TOKEN_KEY);
	} catch {
		// ignore
	}
	memoryToken = null;
}

let memoryToken = getToken();

function showLogin(message = "", { focus = true } = {}) {
	errorEl.textContent = message;
	consoleSection.hidden = true;
	loginSection.hidden = false;
	tokenInput.value = "";
	if (focus) tokenInput.focus();
}

function showConsole() {
	errorEl.textContent = "";
	loginSection.hidden = true;
	consoleSection.hidden = false;
}

/** An error already shown to the operator (wrong token, admin disabled). */
class HandledError extends Error {}

/** A request to /admin/* with the Bearer token; 401 and 404 (admin disabled) go back to the sign-in form. */
async function admin(path, options = {}) {
	const token = memoryToken;
	if (!token) {
		showLogin();
		throw new HandledError("no token");
	}
	try {
		return await requestJson(path, {
			...options,
			headers: { ...options.headers, Authorization: `Bearer ${token}` },
		});
	} catch (err) {
		if (err instanceof ApiError && err.status === 401) {
			clearToken();
			showLogin("Wrong token: it was not accepted and has been cleared. Enter it again.");
			throw new HandledError(err.message);
		}
		if (err instanceof ApiError && err.status === 404 && !NOT_FOUND_CODES.has(err.code)) {
			clearToken();
			showLogin("Admin is not enabled on this deployment (set ADMIN_TOKEN).");
			throw new HandledError(err.message);
		}
		throw err;
	}
}

function messageOf(err) {
	return err instanceof Error ? err.message : String(err);
}

tokenForm.addEventListener("submit", (event) => {
	event.preventDefault();
	const token = tokenInput.value.trim();
	if (!token) {
		errorEl.textContent = "Enter the admin token.";
		tokenInput.focus();
		return;
	}
	setToken(token);
	tokenInput.value = "";
	start();
});

byId("sign-out").addEventListener("click", () => {
	clearToken();
	resetData();
	showLogin();
});

// ---- tabs -----------------------------------------------------------------

const tabs = [...document.querySelectorAll('[role="tab"]')];
const loaded = new Set();
const catalog = catalogTab({
	admin,
	isHandled: (err) => err instanceof HandledError,
	messageOf,
	loaded,
});

function selectTab(tab, { focus = false } = {}) {
	for (const t of tabs) {
		const selected = t === tab;
		t.setAttribute("aria-selected", String(selected));
		t.tabIndex = selected ? 0 : -1;
		byId(t.getAttribute("aria-controls")).hidden = !selected;
	}
	if (focus) tab.focus();
	const panel = tab.getAttribute("aria-controls");
	if (!loaded.has(panel)) {
		if (panel === "panel-catalog") catalog.load();
		if (panel === "panel-events") loadEvents();
		if (panel === "panel-alerts") loadAlerts();
		if (panel === "panel-emails") loadEmails();
	}
}

for (const tab of tabs) {
	tab.addEventListener("click", () => selectTab(tab));
	tab.addEventListener("keydown", (event) => {
		const i = tabs.indexOf(tab);
		const next = {
			ArrowRight: tabs[(i + 1) % tabs.length],
			ArrowLeft: tabs[(i - 1 + tabs.length) % tabs.length],
			Home: tabs[0],
			End: tabs[tabs.length - 1],
		}[event.key];
		if (next) {
			event.preventDefault();
			selectTab(next, { focus: true });
		}
	});
}

// ---- orders ---------------------------------------------------------------

const ordersBody = byId("orders-body");
const ordersStatus = byId("orders-status");
const statusFilter = byId("status-filter");
const loadMoreButton = byId("load-more");

let nextCursor = null;
let loadingOrders = false;

function statusBadge(status) {
	return h("span", { class: "badge-status", dataset: { status } }, status);
}

function orderIdButton(id) {
	return h("button", { type: "button", class: "link-button mono", dataset: { openOrder: id } }, id);
}

function orderRow(order) {
	return h(
		"tr",
		{ dataset: { orderId: order.id }, class: "clickable" },
		h("td", {}, timeEl(order.createdAt)),
		h("td", {}, orderIdButton(order.id)),
		h("td", {}, statusBadge(order.status)),
		h("td", { class: "num" }, formatMoney(order.amount, order)),
		h("td", {}, order.customerEmail ?? order.email ?? "—"),
	);
}

async function loadOrders({ reset }) {
	if (loadingOrders) return;
	loadingOrders = true;
	loadMoreButton.disabled = true;
	say(ordersStatus, "Loading orders…");
	const params = new URLSearchParams();
	if (statusFilter.value) params.set("status", statusFilter.value);
	params.set("limit", String(PAGE_SIZE));
	if (!reset && nextCursor) params.set("cursor", nextCursor);
	try {
		const data = await admin(`/admin/orders?${params}`);
		const orders = Array.isArray(data.orders) ? data.orders : [];
		if (reset) replaceChildren(ordersBody);
		ordersBody.append(...orders.map(orderRow));
		nextCursor = data.nextCursor ?? null;
		loadMoreButton.hidden = !nextCursor;
		const shown = ordersBody.rows.length;
		say(
			ordersStatus,
			shown === 0
				? "No orders."
				: `${shown} order${shown === 1 ? "" : "s"} shown${nextCursor ? "; more available" : ""}.`,
		);
	} catch (err) {
		if (!(err instanceof HandledError))
			say(ordersStatus, `Could not load orders: ${messageOf(err)}`);
	} finally {
		loadingOrders = false;
		loadMoreButton.disabled = false;
	}
}

byId("orders-filter").addEventListener("submit", (event) => {
	event.preventDefault();
	loadOrders({ reset: true });
});
statusFilter.addEventListener("change", () => loadOrders({ reset: true }));
loadMoreButton.addEventListener("click", () => loadOrders({ reset: false }));

ordersBody.addEventListener("click", (event) => {
	const row = event.target.closest("tr[data-order-id]");
	// Buttons open the order themselves (below); selecting text in a row is not a click on it.
	if (!row || event.target.closest("button") || String(getSelection()) !== "") return;
	openOrder(row.dataset.orderId);
});

// ---- order detail ---------------------------------------------------------

const detail = byId("order-detail");
const detailStatus = byId("detail-status");
const syncButton = byId("sync");
const refundForm = byId("refund-form");
const refundInput = byId("refund-amount");
const refundButton = byId("refund");
const fulfillForm = byId("fulfill-form");
const fulfillError = byId("fulfill-error");
const fulfillButton = byId("fulfill");
/** The form's inputs by the API's field names (the error messages name them). */
const fulfillInputs = {
	carrier: byId("fulfill-carrier"),
	trackingNumber: byId("fulfill-tracking-number"),
	trackingUrl: byId("fulfill-tracking-url"),
};

let current = null;
/** Whose shipment the "Mark shipped" form holds: what was typed stays until another order opens. */
let fulfillFormFor = null;

function field(label, value) {
	return [h("dt", {}, label), h("dd", {}, value ?? "—")];
}

function code(text) {
	return text ? h("code", { class: "mono" }, text) : "—";
}

function refundable(order) {
	return order.amount - (Number.isInteger(order.amountRefunded) ? order.amountRefunded : 0);
}

function paymentText(payment) {
	if (!payment?.last4) return "—";
	const brand = cardBrand(payment.brand);
	return `${brand} •••• ${payment.last4}`;
}

const isAmount = (n) => Number.isInteger(n);

/** Subtotal, what Stripe's page took off or added, what it charged, and what went back. */
function renderTotals(order) {
	const money = (n) => formatMoney(n, order);
	const row = (label, value, { strong = false } = {}) =>
		h(
			"tr",
			{},
			h("th", { scope: "row", colspan: 3 }, label),
			h("td", { class: "num" }, strong ? h("strong", {}, value) : value),
		);
	// A shipped order always shows its shipping, even when it was free.
	const shipped = order.shipping || order.amountShipping > 0;
	replaceChildren(
		byId("detail-totals"),
		isAmount(order.subtotal) ? row("Subtotal", money(order.subtotal)) : [],
		order.amountDiscount > 0 ? row("Discount", `−${money(order.amountDiscount)}`) : [],
		shipped
			? row(
					order.shipping?.rateName ? `Shipping (${order.shipping.rateName})` : "Shipping",
					money(order.amountShipping ?? 0),
				)
			: [],
		order.amountTax > 0 ? row("Tax", money(order.amountTax)) : [],
		row("Total charged", money(order.amount), { strong: true }),
		isAmount(order.amountRefunded) ? row("Refunded so far", money(order.amountRefunded)) : [],
	);
}

/** Where it goes and, once shipped, how it travels. */
function renderShipping(order) {
	const s = order.shipping;
	const a = s?.address ?? {};
	const region = [a.state, a.postalCode].filter(Boolean).join(" ");
	const lines = [s?.name, a.line1, a.line2, [a.city, region].filter(Boolean).join(", "), a.country];
	const f = order.fulfillment;
	replaceChildren(
		byId("detail-shipping"),
		s
			? [
					...field(
						"Ship to",
						h(
							"address",
							{ id: "detail-address" },
							lines.filter(Boolean).flatMap((line, i) => (i ? [h("br"), line] : [line])),
						),
					),
					...field("Phone", s.phone),
					...field("Rate", s.rateName),
				]
			: field("Ship to", "No address collected: nothing in this order ships."),
		f
			? [
					...field("Shipped", timeEl(f.fulfilledAt)),
					...field("Carrier", f.carrier),
					...field("Tracking number", f.trackingNumber ? code(f.trackingNumber) : null),
					...field("Tracking link", f.trackingUrl ? webLink(f.trackingUrl, f.trackingUrl) : null),
				]
			: field("Shipped", "Not yet"),
	);
}

function renderDetail(order) {
	current = order;
	const money = (n) => formatMoney(n, order);
	byId("detail-heading").textContent = `Order ${order.id}`;
	replaceChildren(
		byId("detail-fields"),
		field("Status", statusBadge(order.status)),
		field("Amount", money(order.amount)),
		Number.isInteger(order.amountRefunded) ? field("Refunded", money(order.amountRefunded)) : [],
		field("Email", order.customerEmail ?? order.email ?? "—"),
		field("Payment", paymentText(order.payment)),
		field(
			"Receipt",
			order.payment?.receiptUrl ? webLink(order.payment.receiptUrl, "Stripe's receipt") : "—",
		),
		field("Created", timeEl(order.createdAt)),
		field("Updated", timeEl(order.updatedAt)),
		field("Paid", timeEl(order.paidAt)),
		field(
			"Failure",
			order.failureCode || order.failureMessage
				? [code(order.failureCode), " ", order.failureMessage ?? ""]
				: "—",
		),
		field("Checkout Session", code(order.stripeCheckoutSessionId)),
		field("PaymentIntent", code(order.stripePaymentIntentId)),
		order.checkoutExpiresAt !== undefined
			? field("Checkout expires", timeEl(order.checkoutExpiresAt))
			: [],
		order.reconciledAt !== undefined ? field("Last reconciled", timeEl(order.reconciledAt)) : [],
	);

	const items = order.items ?? [];
	replaceChildren(
		byId("detail-items"),
		items.length
			? items.map((i) =>
					h(
						"tr",
						{},
						h("td", {}, i.name, " ", h("span", { class: "muted small" }, `(${i.productId})`)),
						h("td", { class: "num" }, money(i.unitAmount)),
						h("td", { class: "num" }, String(i.quantity)),
						h("td", { class: "num" }, money(i.unitAmount * i.quantity)),
					),
				)
			: h("tr", {}, h("td", { colspan: 4 }, "No items.")),
	);
	renderTotals(order);
	renderShipping(order);

	const transitions = order.transitions ?? [];
	replaceChildren(
		byId("detail-transitions"),
		transitions.length
			? transitions.map((t) =>
					h(
						"tr",
						{},
						h("td", {}, timeEl(t.at)),
						h("td", {}, t.from ? statusBadge(t.from) : "—"),
						h("td", {}, statusBadge(t.to)),
						h("td", {}, t.source ?? "—"),
						h("td", {}, code(t.stripeEventId)),
					),
				)
			: h("tr", {}, h("td", { colspan: 5 }, "No status changes recorded.")),
	);

	byId("refund-currency").textContent = `(${currencyLabel(order.currency)})`;
	const settled = order.status === "paid" || order.status === "fulfilled";
	const canRefund = settled && refundable(order) > 0;
	refundInput.disabled = !canRefund;
	refundButton.disabled = !canRefund;
	refundInput.placeholder = canRefund ? toMajorString(refundable(order), order) : "";
	byId("refund-hint").textContent = canRefund
		? `Optional. Leave empty to refund the rest (${money(refundable(order))}).`
		: settled
			? "Nothing is left to refund."
			: "Only paid or fulfilled orders can be refunded.";

	renderFulfillForm(order);
	updateRow(order);
	loadOrderEmails(order.id);
}

function renderFulfillForm(order) {
	if (fulfillFormFor !== order.id) {
		fulfillForm.reset();
		showFulfillError("");
		fulfillFormFor = order.id;
	}
	fulfillForm.hidden = order.status !== "paid";
}

/** The message next to the form; `input`, when given, is the field it is about. */
function showFulfillError(message, input = null) {
	for (const el of Object.values(fulfillInputs)) {
		el.removeAttribute("aria-invalid");
		el.removeAttribute("aria-describedby");
	}
	say(fulfillError, message);
	if (input) {
		input.setAttribute("aria-invalid", "true");
		input.setAttribute("aria-describedby", "fulfill-error");
		input.focus();
	}
}

function updateRow(order) {
	const row = ordersBody.querySelector(`tr[data-order-id="${CSS.escape(order.id)}"]`);
	if (row) row.replaceWith(orderRow(order));
}

async function openOrder(id, { focus = true } = {}) {
	selectTab(tabs[0]);
	detail.hidden = false;
	say(detailStatus, "Loading order…");
	try {
		const order = await admin(`/admin/orders/${encodeURIComponent(id)}`);
		renderDetail(order);
		say(detailStatus, "");
		if (focus) detail.focus();
	} catch (err) {
		if (err instanceof HandledError) return;
		say(detailStatus, `Could not load order ${id}: ${messageOf(err)}`);
	}
}

document.addEventListener("click", (event) => {
	const button = event.target.closest("button[data-open-order]");
	if (button) openOrder(button.dataset.openOrder);
});

byId("close-detail").addEventListener("click", () => {
	const id = current?.id;
	detail.hidden = true;
	current = null;
	const button = id && ordersBody.querySelector(`button[data-open-order="${CSS.escape(id)}"]`);
	(button || statusFilter).focus();
});

syncButton.addEventListener("click", async () => {
	if (!current) return;
	const id = current.id;
	syncButton.disabled = true;
	say(detailStatus, "Syncing from Stripe…");
	try {
		const synced = await admin(`/admin/orders/${encodeURIComponent(id)}/sync`, { method: "POST" });
		await openOrder(id, { focus: false });
		say(detailStatus, `Synced from Stripe: status is ${synced.status ?? current?.status}.`);
	} catch (err) {
		if (!(err instanceof HandledError)) say(detailStatus, `Sync failed: ${messageOf(err)}`);
	} finally {
		syncButton.disabled = false;
	}
});

refundForm.addEventListener("submit", async (event) => {
	event.preventDefault();
	if (!current) return;
	const order = current;
	const text = refundInput.value.trim();
	let amount;
	if (text !== "") {
		amount = toMinorUnits(text, order);
		if (amount === null) {
			say(
				detailStatus,
				`Enter a positive amount in ${currencyLabel(order.currency)}, like ${toMajorString(refundable(order), order)}.`,
			);
			refundInput.focus();
			return;
		}
		if (amount > refundable(order)) {
			say(
				detailStatus,
				`That is more than what is left to refund (${formatMoney(refundable(order), order)}).`,
			);
			refundInput.focus();
			return;
		}
	}
	const what =
		amount === undefined
			? `the rest (${formatMoney(refundable(order), order)})`
			: formatMoney(amount, order);
	if (!window.confirm(`Refund ${what} of order ${order.id}? This cannot be undone.`)) return;
	refundButton.disabled = true;
	say(detailStatus, "Refunding…");
	try {
		const result = await admin(`/admin/orders/${encodeURIComponent(order.id)}/refund`, {
			method: "POST",
			// One key per confirmed refund: a retried request never refunds twice.
			headers: { "Idempotency-Key": crypto.randomUUID() },
			body: amount === undefined ? {} : { amount },
		});
		refundInput.value = "";
		await openOrder(order.id, { focus: false });
		say(
			detailStatus,
			`Refund ${result.refundId ?? ""} of ${formatMoney(result.amount ?? amount ?? 0, order)}: ${result.status ?? "requested"}.`,
		);
	} catch (err) {
		if (!(err instanceof HandledError)) say(detailStatus, `Refund failed: ${messageOf(err)}`);
		refundButton.disabled = false;
	}
});

fulfillForm.addEventListener("submit", async (event) => {
	event.preventDefault();
	if (!current) return;
	const order = current;
	const url = fulfillInputs.trackingUrl;
	if (!url.checkValidity()) {
		showFulfillError(
			"The tracking URL must be a full web address, like https://carrier.example/track/123.",
			url,
		);
		return;
	}
	const body = {};
	for (const [name, input] of Object.entries(fulfillInputs)) {
		const value = input.value.trim();
		if (value) body[name] = value;
	}
	showFulfillError("");
	fulfillButton.disabled = true;
	say(detailStatus, "Marking shipped…");
	try {
		const shipped = await admin(`/admin/orders/${encodeURIComponent(order.id)}/fulfill`, {
			method: "POST",
			body,
		});
		// The operator may have opened another order meanwhile: that one stays on screen.
		if (current?.id !== order.id) {
			updateRow(shipped);
			return;
		}
		fulfillForm.reset();
		renderDetail(shipped);
		say(detailStatus, `Marked shipped: status is ${shipped.status}.`);
	} catch (err) {
		if (err instanceof HandledError || current?.id !== order.id) return;
		say(detailStatus, "");
		// Validation messages start with the field's name ("trackingUrl must be …").
		const about = /^(carrier|trackingNumber|trackingUrl)\b/.exec(messageOf(err))?.[1];
		showFulfillError(`Could not mark shipped: ${messageOf(err)}`, fulfillInputs[about] ?? null);
	} finally {
		fulfillButton.disabled = false;
	}
});

// ---- failed webhook events and alerts ----------------------------------------

const eventsBody = byId("events-body");
const eventsStatus = byId("events-status");
const alertsBody = byId("alerts-body");
const alertsStatus = byId("alerts-status");

function orderCell(orderId) {
	return h("td", {}, orderId ? orderIdButton(orderId) : "—");
}

async function loadEvents() {
	loaded.add("panel-events");
	say(eventsStatus, "Loading failed webhook events…");
	try {
		const data = await admin("/admin/webhook-events?result=failed");
		const events = Array.isArray(data.events) ? data.events : [];
		replaceChildren(
			eventsBody,
			events.map((e) =>
				h(
					"tr",
					{},
					h("td", {}, timeEl(e.receivedAt)),
					h("td", {}, code(e.id)),
					h("td", {}, e.type ?? "—"),
					orderCell(e.orderId),
					h("td", { class: "wrap-text" }, e.error ?? "—"),
				),
			),
		);
		say(
			eventsStatus,
			events.length
				? `${events.length} failed event${events.length === 1 ? "" : "s"}.`
				: "No failed webhook events.",
		);
	} catch (err) {
		loaded.delete("panel-events");
		if (!(err instanceof HandledError))
			say(eventsStatus, `Could not load events: ${messageOf(err)}`);
	}
}

async function loadAlerts() {
	loaded.add("panel-alerts");
	say(alertsStatus, "Loading alerts…");
	try {
		const data = await admin("/admin/alerts");
		const alerts = Array.isArray(data.alerts) ? data.alerts : [];
		replaceChildren(
			alertsBody,
			alerts.map((a) =>
				h(
					"tr",
					{},
					h("td", {}, timeEl(a.createdAt)),
					h("td", {}, a.kind ?? "—"),
					orderCell(a.orderId),
					h("td", { class: "wrap-text" }, a.message ?? "—"),
				),
			),
		);
		say(
			alertsStatus,
			alerts.length ? `${alerts.length} alert${alerts.length === 1 ? "" : "s"}.` : "No alerts.",
		);
	} catch (err) {
		loaded.delete("panel-alerts");
		if (!(err instanceof HandledError))
			say(alertsStatus, `Could not load alerts: ${messageOf(err)}`);
	}
}

byId("refresh-events").addEventListener("click", loadEvents);
byId("refresh-alerts").addEventListener("click", loadAlerts);

// ---- e-mails ----------------------------------------------------------------

const emailsBody = byId("emails-body");
const emailsStatus = byId("emails-status");
const emailsFilter = byId("emails-status-filter");
const emailsFailedCount = byId("emails-failed-count");
const detailEmails = byId("detail-emails");
const detailEmailsStatus = byId("detail-emails-status");
/** What the API answers at most: a full page means there may be more. */
const EMAILS_PAGE = 100;
/** After a resend, how often and how long the row is refreshed until it is no longer pending. */
const FOLLOW_UP_MS = 2000;
const FOLLOW_UP_TRIES = 8;

const EMAIL_KINDS = {
	order_confirmation: "Order confirmation",
	payment_processing: "Payment processing",
	payment_failed: "Payment failed",
	refund: "Refund",
	shipped: "Shipped",
	sign_in: "Sign-in link",
	subscription_started: "Subscription started",
	subscription_payment_failed: "Subscription payment failed",
	subscription_canceled: "Subscription canceled",
};

function kindText(kind) {
	if (!kind) return "—";
	return EMAIL_KINDS[kind] ?? kind.replaceAll("_", " ");
}

/** A sent or failed e-mail can go again; a pending one is still on its way. */
const canResend = (email) => email.status === "sent" || email.status === "failed";

function plural(n, word) {
	return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The order's short number (as its e-mails print it), opening the order. */
function shortOrderButton(id) {
	const number = id.replace(/-/g, "").slice(0, 8).toUpperCase();
	return h(
		"button",
		{ type: "button", class: "link-button mono", title: id, dataset: { openOrder: id } },
		number,
		srOnly(`, order ${id}`),
	);
}

/**
 * Everything in an e-mail's row but its action cell, in few columns so the
 * status and Resend stay in view: the kind over its subject, the status over
 * its attempts and sending time. The Emails tab also names the order.
 */
function emailCells(email, { withOrder }) {
	const line = (text) => h("span", { class: "email-line small muted" }, text);
	return [
		h("td", {}, timeEl(email.createdAt)),
		withOrder ? h("td", {}, email.orderId ? shortOrderButton(email.orderId) : "—") : [],
		h(
			"td",
			{ class: "email-what" },
			h(
				"span",
				{ class: "email-line" },
				kindText(email.kind),
				email.locale ? ` (${email.locale})` : "",
			),
			line(email.subject ?? "—"),
		),
		h("td", {}, email.to ?? "—"),
		h(
			"td",
			{ class: "email-state" },
			statusBadge(email.status),
			line(plural(email.attempts ?? 0, "attempt")),
			// A resent or failed e-mail keeps the time it last went out.
			email.sentAt
				? line([email.status === "sent" ? "sent " : "last sent ", timeEl(email.sentAt)])
				: [],
		),
		h("td", { class: "wrap-text email-error" }, email.lastError ?? "—"),
	].flat();
}

function resendButton(email) {
	return h(
		"button",
		{ type: "button", class: "btn btn-secondary btn-small", dataset: { resendEmail: email.id } },
		"Resend",
		srOnly(` the ${kindText(email.kind).toLowerCase()} e-mail to ${email.to ?? "the customer"}`),
	);
}

/**
 * A row whose action cell (the Resend button and what became of it, a live
 * region) stays put when the row is updated, so the feedback is announced.
 */
function emailRow(email, options) {
	const feedback = h("span", { class: "action-feedback small", "aria-live": "polite" });
	const row = h(
		"tr",
		{ dataset: { emailId: email.id } },
		h("td", { class: "email-action" }, feedback),
	);
	fillEmailRow(row, email, options);
	return row;
}

function fillEmailRow(row, email, options) {
	const action = row.lastElementChild;
	while (row.firstElementChild !== action) row.firstElementChild.remove();
	action.before(...emailCells(email, options));
	const button = action.querySelector("button[data-resend-email]");
	if (canResend(email) && !button) action.prepend(resendButton(email));
	if (!canResend(email) && button) button.remove();
}

/** Both lists show the same e-mail alike. */
function showEmail(email) {
	const selector = `tr[data-email-id="${CSS.escape(email.id)}"]`;
	for (const row of emailsBody.querySelectorAll(selector))
		fillEmailRow(row, email, { withOrder: true });
	for (const row of detailEmails.querySelectorAll(selector))
		fillEmailRow(row, email, { withOrder: false });
}

let emailsRequest = 0;

async function loadEmails() {
	loaded.add("panel-emails");
	const request = ++emailsRequest;
	const status = emailsFilter.value;
	say(emailsStatus, "Loading e-mails…");
	try {
		const data = await admin(`/admin/emails${status ? `?${new URLSearchParams({ status })}` : ""}`);
		if (request !== emailsRequest) return;
		const emails = Array.isArray(data.emails) ? data.emails : [];
		replaceChildren(
			emailsBody,
			emails.map((e) => emailRow(e, { withOrder: true })),
		);
		say(
			emailsStatus,
			emails.length
				? `${plural(emails.length, `${status ? `${status} ` : ""}e-mail`)}${emails.length >= EMAILS_PAGE ? " (the newest)" : ""}.`
				: `No ${status ? `${status} ` : ""}e-mails.`,
		);
		refreshFailedCount();
	} catch (err) {
		if (request !== emailsRequest) return;
		loaded.delete("panel-emails");
		if (!(err instanceof HandledError))
			say(emailsStatus, `Could not load e-mails: ${messageOf(err)}`);
	}
}

let orderEmailsRequest = 0;

/** The open order's e-mails, under its detail. */
async function loadOrderEmails(orderId) {
	const request = ++orderEmailsRequest;
	if (detailEmails.dataset.orderId !== orderId) {
		replaceChildren(detailEmails);
		detailEmails.dataset.orderId = orderId;
	}
	say(detailEmailsStatus, "Loading e-mails…");
	try {
		const data = await admin(`/admin/emails?${new URLSearchParams({ orderId })}`);
		if (request !== orderEmailsRequest || current?.id !== orderId) return;
		const emails = Array.isArray(data.emails) ? data.emails : [];
		replaceChildren(
			detailEmails,
			emails.length
				? emails.map((e) => emailRow(e, { withOrder: false }))
				: h("tr", {}, h("td", { colspan: 6 }, "No e-mails for this order.")),
		);
		say(detailEmailsStatus, "");
	} catch (err) {
		if (request !== orderEmailsRequest || err instanceof HandledError) return;
		say(detailEmailsStatus, `Could not load this order's e-mails: ${messageOf(err)}`);
	}
}

let failedCountRequest = 0;

/** "Emails (2 failed)" on the tab. */
async function refreshFailedCount() {
	// Signed out (a wrong token, say): asking again would only repeat the refusal.
	if (!memoryToken) return;
	const request = ++failedCountRequest;
	try {
		const data = await admin("/admin/emails?status=failed");
		if (request !== failedCountRequest) return;
		const count = Array.isArray(data.emails) ? data.emails.length : 0;
		emailsFailedCount.textContent = count
			? ` (${count >= EMAILS_PAGE ? `${EMAILS_PAGE}+` : count} failed)`
			: "";
	} catch {
		// The tab works without its count; a refused token already went back to sign-in.
	}
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A resent e-mail goes through the queue: its row follows it until it is sent or failed. */
async function followResend(email, feedback) {
	if (!email.orderId) return;
	for (let i = 0; i < FOLLOW_UP_TRIES; i++) {
		await sleep(FOLLOW_UP_MS);
		if (!memoryToken || !feedback.isConnected) return;
		let now;
		try {
			const data = await admin(`/admin/emails?${new URLSearchParams({ orderId: email.orderId })}`);
			now = (Array.isArray(data.emails) ? data.emails : []).find((e) => e.id === email.id);
		} catch {
			return;
		}
		if (!now) return;
		showEmail(now);
		if (now.status === "sent") say(feedback, "Sent again.");
		if (now.status === "failed")
			say(feedback, `Not sent: ${now.lastError ?? "the provider refused it"}.`);
		if (now.status !== "pending") {
			refreshFailedCount();
			return;
		}
	}
}

document.addEventListener("click", async (event) => {
	const button = event.target.closest("button[data-resend-email]");
	if (!button) return;
	const id = button.dataset.resendEmail;
	const feedback = button.closest("td").querySelector(".action-feedback");
	button.disabled = true;
	say(feedback, "Resending…");
	try {
		const email = await admin(`/admin/emails/${encodeURIComponent(id)}/resend`, {
			method: "POST",
		});
		showEmail(email);
		say(
			feedback,
			email.status === "pending" ? "Queued to send again." : `Resent: ${email.status}.`,
		);
		// The button is gone while the e-mail is on its way: keep the keyboard where it was.
		if (!button.isConnected && feedback.isConnected) {
			feedback.tabIndex = -1;
			feedback.focus();
		}
		refreshFailedCount();
		followResend(email, feedback);
	} catch (err) {
		if (!(err instanceof HandledError)) say(feedback, `Resend failed: ${messageOf(err)}`);
	} finally {
		button.disabled = false;
	}
});

byId("emails-filter").addEventListener("submit", (event) => {
	event.preventDefault();
	loadEmails();
});
emailsFilter.addEventListener("change", loadEmails);

// ---- start ----------------------------------------------------------------

// Tables scroll sideways on small screens: let keyboard users scroll them too.
for (const wrap of document.querySelectorAll(".table-wrap[data-scroll-label]")) {
	wrap.setAttribute("role", "region");
	wrap.setAttribute("aria-label", wrap.dataset.scrollLabel);
	wrap.tabIndex = 0;
}

function resetData() {
	loaded.clear();
	catalog.reset();
	nextCursor = null;
	current = null;
	detail.hidden = true;
	replaceChildren(ordersBody);
	replaceChildren(eventsBody);
	replaceChildren(alertsBody);
	replaceChildren(emailsBody);
	replaceChildren(detailEmails);
	delete detailEmails.dataset.orderId;
	emailsFailedCount.textContent = "";
	for (const el of [
		ordersStatus,
		eventsStatus,
		alertsStatus,
		emailsStatus,
		detailStatus,
		detailEmailsStatus,
	])
		el.textContent = "";
	loadMoreButton.hidden = true;
}

function start() {
	resetData();
	showConsole();
	selectTab(tabs[0]);
	// After the orders, so a wrong token is refused once.
	loadOrders({ reset: true }).then(refreshFailedCount);
}

if (memoryToken) start();
else showLogin("", { focus: false });
