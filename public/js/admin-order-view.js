/**
 * The order as the console's dialog shows it: its fields, items, totals (the
 * worker's `order.totals`), where it ships and its history. Drawing only: what
 * may be done with it is the worker's `order.actions` (admin-order-actions.js).
 */
import { downloadsSection } from "./admin-order-downloads.js";
import { arrowTo, code, field, statusBadge } from "./admin-view.js";
import { byId, h, replaceChildren, timeEl, webLink } from "./dom.js";
import { formatMoney } from "./money.js";
import { button, dataTable, liveLine } from "./ui.js";

const REFUND_SOURCES = { admin: "This console", dashboard: "Stripe dashboard" };

/** The dialog's content, empty: `.detail-actions` takes the actions' forms (admin-order-actions.js). */
export function orderDialogBody() {
	return h(
		"div",
		{ class: "drawer-body" },
		h(
			"div",
			{ class: "detail-head" },
			h("h2", { id: "detail-heading" }, "Order"),
			button("Close", { id: "close-detail", small: true }),
		),
		liveLine("detail-status", { muted: false }),
		h(
			"div",
			{ id: "detail-body" },
			h("dl", { id: "detail-fields", class: "fields" }),
			h("h3", {}, "Actions"),
			h("div", { class: "detail-actions" }),
			h("h3", {}, "Items"),
			dataTable({
				label: "Order items table",
				columns: [
					"Product",
					{ text: "Unit", num: true },
					{ text: "Qty", num: true },
					{ text: "Total", num: true },
				],
				bodyId: "detail-items",
				footId: "detail-totals",
			}),
			h("h3", {}, "Shipping"),
			h("dl", { id: "detail-shipping", class: "fields" }),
			downloadsSection(),
			h("h3", {}, "History"),
			dataTable({
				label: "Order history table",
				caption: "Status changes, refunds and notes, oldest first",
				columns: ["At", "Change", "By", "Stripe id"],
				bodyId: "detail-transitions",
				className: "history-table stacked-table",
			}),
			h("h3", {}, "E-mails"),
			liveLine("detail-emails-status"),
			dataTable({
				label: "Order e-mails table",
				caption: "This order's e-mails, newest first",
				columns: ["Created", "E-mail", "Recipient", "Status", "Last error", "Action"],
				bodyId: "detail-emails",
				className: "stacked-table",
			}),
		),
	);
}

/** Everything the dialog shows of the order but its forms. */
export function renderOrder(order) {
	const money = (n) => formatMoney(n, order);
	// The number the shopper reads on their page and in every e-mail; the id below it.
	byId("detail-heading").textContent = `Order ${order.number}`;
	replaceChildren(
		byId("detail-fields"),
		field("Order id", code(order.id)),
		field("Status", statusBadge(order.status)),
		field("Amount", money(order.amount)),
		isAmount(order.amountRefunded) ? field("Refunded", money(order.amountRefunded)) : [],
		field("Email", order.customerEmail ?? "—"),
		// Placed signed in (SPEC 14): the account, and its customer at Stripe once it has one.
		order.customer
			? field("Customer", [
					order.customer.email,
					" · account since ",
					timeEl(order.customer.createdAt),
					...(order.customer.stripeCustomerId
						? [" · ", code(order.customer.stripeCustomerId)]
						: []),
				])
			: order.customer === null
				? field("Customer", "Guest (not signed in)")
				: [],
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
		// A subscription's box (SPEC 15): no checkout of its own, but the subscription and invoice that made it.
		order.subscriptionId
			? field("Subscription", code(order.subscriptionId))
			: field("Checkout Session", code(order.stripeCheckoutSessionId)),
		order.invoiceId ? field("Invoice", code(order.invoiceId)) : [],
		field("PaymentIntent", code(order.stripePaymentIntentId)),
		// Given only while the checkout can still be paid.
		order.checkoutExpiresAt ? field("Checkout expires", timeEl(order.checkoutExpiresAt)) : [],
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
	renderHistory(order);
}

function paymentText(payment) {
	if (!payment?.last4) return "—";
	return `${payment.brandName ?? "Card"} •••• ${payment.last4}`;
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
	// The lines are the worker's (`order.totals`, as the success page and the e-mails show
	// them): the console only puts them in its words.
	const label = {
		subtotal: () => "Subtotal",
		discount: (line) => (line.code ? `Discount (${line.code})` : "Discount"),
		shipping: (line) => (line.rateName ? `Shipping (${line.rateName})` : "Shipping"),
		tax: (line) => (line.included ? "Including tax" : "Tax"),
		total: () => "Total charged",
		refunded: () => "Refunded so far",
	};
	const taken = new Set(["discount", "refunded"]);
	replaceChildren(
		byId("detail-totals"),
		order.totals.map((line) =>
			row(label[line.kind](line), `${taken.has(line.kind) ? "−" : ""}${money(line.amount)}`, {
				strong: line.kind === "total",
			}),
		),
	);
}

/** Where it goes and, once shipped, how it travels. */
function renderShipping(order) {
	const s = order.shipping;
	// Formatted by the worker as the country writes it (the e-mails use the same rule).
	const lines = s?.lines ?? [];
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
			: order.status === "fulfilled" || (order.status === "refunded" && !s)
				? // Fulfilled with no parcel: by its download links (the history says "delivery").
					field("Shipped", "Nothing to ship: delivered by its download links")
				: field("Shipped", "Not yet"),
	);
}

/** Status changes, refunds and the operator's notes in one time line, oldest first. */
function renderHistory(order) {
	const money = (n) => formatMoney(n, order);
	const changes = (order.transitions ?? []).map((t) => ({
		at: t.at,
		cells: [
			t.from
				? [statusBadge(t.from), ...arrowTo(), statusBadge(t.to)]
				: ["Created ", statusBadge(t.to)],
			t.source ?? "—",
			code(t.stripeEventId),
		],
	}));
	const refunds = (order.refunds ?? []).map((r) => ({
		at: r.at,
		cells: [
			h(
				"span",
				{ class: "history-refund" },
				`Refund of ${money(r.amount)}`,
				` (${r.status}${r.reason ? `, ${r.reason.replaceAll("_", " ")}` : ""})`,
				r.restock?.length
					? `; back in stock: ${r.restock.map((b) => `${b.quantity} × ${itemName(order, b.productId)}`).join(", ")}`
					: "",
				r.note ? `; note: ${r.note}` : "",
			),
			REFUND_SOURCES[r.source] ?? r.source ?? "—",
			code(r.id),
		],
	}));
	const notes = (order.notes ?? []).map((n) => ({
		at: n.at,
		cells: [h("span", { class: "history-note" }, `Note: ${n.text}`), n.by, "—"],
	}));
	// A stable sort keeps each list's own order within one second.
	const lines = [...changes, ...refunds, ...notes].sort(
		(a, b) => Date.parse(a.at) - Date.parse(b.at),
	);
	replaceChildren(
		byId("detail-transitions"),
		lines.length
			? lines.map(({ at, cells: [change, by, id] }) =>
					h(
						"tr",
						{},
						h("td", { dataset: { label: "At" } }, timeEl(at)),
						h("td", { class: "history-change", dataset: { label: "Change" } }, change),
						h("td", { dataset: { label: "By" } }, by),
						h("td", { dataset: { label: "Stripe id" } }, id),
					),
				)
			: h("tr", {}, h("td", { colspan: 4 }, "No status changes recorded.")),
	);
}

/** An order's item's name by its product (the product's id when the order does not name it). */
function itemName(order, productId) {
	return order.items?.find((i) => i.productId === productId)?.name ?? productId;
}
