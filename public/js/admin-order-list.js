/**
 * The Orders tab drawn: its search form and "Show" menu, the table, and a
 * row per order (drawing only; admin-orders.js loads and opens them).
 */
import { ageEl, relativeTime, shortOrderButton, statusBadge } from "./admin-view.js";
import { h } from "./dom.js";
import { formatMoney } from "./money.js";
import { button, dataTable, formField, liveLine, submit, VERBATIM } from "./ui.js";

/** Item lines the list shows before "+ n more". */
const SUMMARY_LINES = 2;

/** The statuses the "Show" menu lists one by one, under its three views. */
const STATUSES = ["processing", "failed", "expired", "canceled", "fulfilled", "refunded"];

/** The tab's content: search, the list, "Load more". */
export function ordersPanel() {
	const search = h("input", { name: "q", type: "search", ...VERBATIM, maxlength: 254 });
	const view = h(
		"select",
		{ name: "status" },
		h("option", { value: "paid", selected: true }, "Needs attention"),
		h("option", { value: "pending" }, "Awaiting payment"),
		h("option", { value: "" }, "All orders"),
		h(
			"optgroup",
			{ label: "By status" },
			STATUSES.map((s) => h("option", { value: s }, s)),
		),
	);
	const filter = h(
		"form",
		{ id: "orders-filter", class: "toolbar orders-toolbar", novalidate: true },
		formField(
			{
				id: "order-search",
				label: "Find an order",
				className: "search-field",
				error: false,
				hint: "The customer's exact e-mail, an order number (like 3FE56A8A) or id, a Checkout Session id (cs_…) or a PaymentIntent id (pi_…). It searches every status.",
			},
			search,
		),
		formField({ id: "status-filter", label: "Show", error: false, hint: "" }, view),
		h(
			"div",
			{ class: "toolbar-actions" },
			submit("Search", { small: true }),
			button("Clear search", { id: "clear-search", small: true, hidden: true }),
		),
	);
	const exportForm = h(
		"form",
		{ id: "orders-export", class: "toolbar orders-toolbar", novalidate: true },
		formField(
			{
				id: "export-from",
				label: "From",
				error: false,
				hint: "A day (UTC); empty: from the first order.",
			},
			h("input", { name: "from", type: "date" }),
		),
		formField(
			{ id: "export-to", label: "To", error: false, hint: "Included; empty: up to today." },
			h("input", { name: "to", type: "date" }),
		),
		h(
			"div",
			{ class: "toolbar-actions" },
			submit("Export CSV", { small: true, kind: "secondary" }),
			h("p", { id: "export-status", class: "form-status small", role: "status" }),
		),
	);
	return [
		h("search", {}, filter),
		h(
			"details",
			{ class: "orders-export" },
			h("summary", {}, "Export the orders shown to CSV"),
			exportForm,
		),
		h(
			"div",
			{ class: "form-actions" },
			button("Print packing slips of the orders shown", { id: "print-slips", small: true }),
			h("p", { id: "print-slips-status", class: "form-status small", role: "status" }),
		),
		liveLine("orders-status"),
		dataTable({
			label: "Orders table",
			caption: "Orders, newest first. Choose an order to see its details.",
			columns: [
				"Order",
				"Customer",
				"Items",
				{ text: "Amount", num: true },
				{ text: "Refunded", num: true },
				"Status",
				"Age",
			],
			bodyId: "orders-body",
			className: "orders-table stacked-table",
		}),
		button("Load more", { id: "load-more", hidden: true }),
	];
}

function itemSummary(items = []) {
	const lines = items.map((i) => `${i.quantity} × ${i.name}`);
	const shown = lines.slice(0, SUMMARY_LINES).join(", ");
	return lines.length > SUMMARY_LINES ? `${shown}, + ${lines.length - SUMMARY_LINES} more` : shown;
}

/** A pending order is a checkout awaiting payment until its session expires. */
function statusCell(order) {
	const awaiting = order.progress.awaitingPayment && order.checkoutExpiresAt;
	return [
		statusBadge(order.status),
		awaiting
			? h(
					"span",
					{ class: "email-line small muted" },
					Date.parse(order.checkoutExpiresAt) > Date.now()
						? `awaiting payment, expires ${relativeTime(order.checkoutExpiresAt)}`
						: "checkout expired, not yet closed",
				)
			: [],
	];
}

/** An order's row: it opens the order (its number is the button the keyboard reaches). */
export function orderRow(order) {
	const money = (n) => formatMoney(n, order);
	return h(
		"tr",
		{ dataset: { orderId: order.id }, class: "clickable" },
		h("td", { class: "order-number" }, shortOrderButton(order.id)),
		h(
			"td",
			{ class: "order-customer", dataset: { label: "Customer" } },
			order.customerEmail ?? "—",
		),
		h("td", { class: "order-items", dataset: { label: "Items" } }, itemSummary(order.items)),
		h("td", { class: "num", dataset: { label: "Amount" } }, money(order.amount)),
		h(
			"td",
			{ class: "num", dataset: { label: "Refunded" } },
			order.amountRefunded > 0 ? money(order.amountRefunded) : "—",
		),
		h("td", { class: "order-state", dataset: { label: "Status" } }, statusCell(order)),
		h("td", { dataset: { label: "Age" } }, ageEl(order.createdAt)),
	);
}
