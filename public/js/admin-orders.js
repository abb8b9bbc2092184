/**
 * The admin console's Orders tab: the orders that need the owner (paid, to
 * ship) apart from the checkouts still awaiting payment, a search by e-mail or
 * id, and the order's detail in a dialog over the list: its history (status
 * changes and every refund), sync, refund and "Mark shipped", each with its
 * feedback beside its control.
 */

import { orderActions } from "./admin-order-actions.js";
import { orderDownloads } from "./admin-order-downloads.js";
import { ordersExport } from "./admin-order-export.js";
import { orderRow, ordersPanel } from "./admin-order-list.js";
import { orderNotes } from "./admin-order-notes.js";
import { orderDialogBody, renderOrder } from "./admin-order-view.js";
import { printSlips } from "./admin-packing-slips.js";
import { latestRequest, plural } from "./admin-view.js";
import { byId, replaceChildren, say } from "./dom.js";
import { tell } from "./form-feedback.js";

const PAGE_SIZE = 50;

/** What each view of the list holds, under the "Show" menu. */
const VIEW_HINTS = {
	paid: "Paid orders not yet shipped: what is waiting for you.",
	pending:
		"Checkouts opened but not paid yet. Their stock is held until Stripe's session expires, then it comes back.",
	"": "Every order, checkouts awaiting payment included.",
};

/**
 * @param {HTMLElement} panel the tab's panel
 * @param {HTMLDialogElement} detail the dialog the order opens in
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   onOrderShown: (order: any) => void,
 *   onOrderChanged: () => void,
 * }} deps what admin.js shares: its authenticated request, what to load beside an
 *   order (its e-mails), and what to refresh after a refund or a shipment (the dashboard)
 */
export function ordersTab(
	panel,
	detail,
	{ admin, isHandled, messageOf, onOrderShown, onOrderChanged },
) {
	panel.append(...ordersPanel());
	detail.append(orderDialogBody());
	const body = byId("orders-body");
	const status = byId("orders-status");
	const filterForm = byId("orders-filter");
	const search = byId("order-search");
	const view = byId("status-filter");
	const viewHint = byId("status-filter-hint");
	const clearSearch = byId("clear-search");
	const loadMore = byId("load-more");

	const detailBody = byId("detail-body");
	const detailStatus = byId("detail-status");

	let nextCursor = null;
	const listRequests = latestRequest();
	/** The search the list shows ("" for none): Load more continues it. */
	let shownQuery = "";
	/** The order open in the dialog, as last read. */
	let current = null;
	/** The last order asked for: a slower earlier answer is not shown. */
	const openRequests = latestRequest();
	/** Whose actions the dialog's forms hold: what was typed and said stays until another order opens. */
	let formsFor = null;
	/** Where the keyboard was when the dialog opened: it goes back there. */
	let opener = null;

	// ---- the list ------------------------------------------------------------------

	function describeList(shown) {
		if (shownQuery)
			return shown === 0
				? `No order matches “${shownQuery}”. Search by the whole e-mail address or id.`
				: `${plural(shown, "order")} ${shown === 1 ? "matches" : "match"} “${shownQuery}” (every status)${nextCursor ? "; more below" : ""}.`;
		const what = view.selectedOptions[0]?.textContent?.trim() ?? "Orders";
		if (shown === 0) return view.value === "paid" ? "Nothing needs attention." : `${what}: none.`;
		return `${what}: ${plural(shown, "order")}${nextCursor ? " shown, more available" : ""}.`;
	}

	async function load({ reset }) {
		const request = listRequests.next();
		if (reset) shownQuery = search.value.trim();
		loadMore.disabled = true;
		clearSearch.hidden = shownQuery === "";
		viewHint.textContent = VIEW_HINTS[view.value] ?? "";
		say(status, shownQuery ? `Searching for “${shownQuery}”…` : "Loading orders…");
		const params = new URLSearchParams();
		// A search looks through every status: the owner asks about one customer or payment.
		if (shownQuery) params.set("q", shownQuery);
		else if (view.value) params.set("status", view.value);
		params.set("limit", String(PAGE_SIZE));
		if (!reset && nextCursor) params.set("cursor", nextCursor);
		try {
			const data = await admin(`/admin/orders?${params}`, { signal: request });
			if (request.aborted) return;
			const orders = Array.isArray(data.orders) ? data.orders : [];
			if (reset) replaceChildren(body);
			body.append(...orders.map(orderRow));
			nextCursor = data.nextCursor ?? null;
			loadMore.hidden = !nextCursor;
			say(status, describeList(body.rows.length));
		} catch (err) {
			if (request.aborted || isHandled(err)) return;
			say(status, `Could not load orders: ${messageOf(err)}`);
		} finally {
			if (!request.aborted) loadMore.disabled = false;
		}
	}

	filterForm.addEventListener("submit", (event) => {
		event.preventDefault();
		load({ reset: true });
	});
	view.addEventListener("change", () => {
		// Choosing a view leaves the search.
		search.value = "";
		load({ reset: true });
	});
	// The search field's own clear button ("×") leaves the search too.
	search.addEventListener("search", () => {
		if (search.value === "" && shownQuery) load({ reset: true });
	});
	clearSearch.addEventListener("click", () => {
		search.value = "";
		load({ reset: true });
		search.focus();
	});
	loadMore.addEventListener("click", () => load({ reset: false }));
	// The export takes the list's search or view (admin-order-export.js).
	ordersExport(byId("orders-export"), {
		admin,
		isHandled,
		messageOf,
		filters: () => (shownQuery ? { q: shownQuery } : view.value ? { status: view.value } : {}),
	});

	// Each order the list shows (a page of it), its slip on a printed page of its own.
	byId("print-slips").addEventListener("click", () => {
		const ids = [...body.querySelectorAll("tr[data-order-id]")].map((r) => r.dataset.orderId);
		const status = byId("print-slips-status");
		if (ids.length === 0) {
			tell(status, "No orders shown: nothing to print.", { error: true });
			return;
		}
		const path = `/admin/packing-slips?ids=${ids.map(encodeURIComponent).join(",")}`;
		printSlips({ admin, isHandled, messageOf }, path, status);
	});

	body.addEventListener("click", (event) => {
		const row = event.target.closest("tr[data-order-id]");
		// Buttons open the order themselves; selecting text in a row is not a click on it.
		if (!row || event.target.closest("button") || String(getSelection()) !== "") return;
		// The keyboard comes back to the row's own button when the dialog closes.
		open(row.dataset.orderId, row.querySelector("button[data-open-order]"));
	});

	function updateRow(order) {
		const row = body.querySelector(`tr[data-order-id="${CSS.escape(order.id)}"]`);
		if (row) row.replaceWith(orderRow(order));
	}

	// ---- the detail ----------------------------------------------------------------

	// What may be done with the order is the worker's decision (`order.actions`, from the state
	// machine): the console shows exactly that, and writes no status rule of its own.

	function render(order) {
		// Another order: its forms start empty, with nothing said.
		const another = formsFor !== order.id;
		formsFor = order.id;
		current = order;
		renderOrder(order);
		actions.show(order, { another });
		downloads.show(order);
		if (another) {
			notes.clear();
			downloads.clear();
		}
		updateRow(order);
		onOrderShown(order);
	}

	/**
	 * Where the keyboard goes when the dialog closes: the control that opened it
	 * or, when its row was redrawn meanwhile, the same order's button in the same list.
	 */
	function back(from) {
		if (from?.element.isConnected) return from.element;
		const again =
			from?.list &&
			from.order &&
			document.querySelector(`#${from.list} button[data-open-order="${CSS.escape(from.order)}"]`);
		return again || view;
	}

	/** Opens the dialog over whatever tab is shown, and reads the order into it. */
	async function open(id, from = document.activeElement) {
		const request = openRequests.next();
		if (!detail.open) {
			const element = from ?? view;
			opener = { element, list: element.closest("tbody")?.id, order: element.dataset?.openOrder };
			detail.showModal();
		}
		if (current?.id !== id) {
			// Another order's fields are not shown under this one's name while it loads.
			current = null;
			detailBody.hidden = true;
			// The heading names the order once it is shown.
			byId("detail-heading").textContent = "Order";
		}
		say(detailStatus, "Loading order…");
		try {
			const order = await admin(`/admin/orders/${encodeURIComponent(id)}`, {
				signal: request,
			});
			if (request.aborted || !detail.open) return;
			render(order);
			detailBody.hidden = false;
			say(detailStatus, "");
		} catch (err) {
			if (request.aborted || isHandled(err)) return;
			say(detailStatus, `Could not load order ${id}: ${messageOf(err)}`);
		}
	}

	/** The order again, after an action: false when it could not be read (the action's line says why). */
	async function reread(id) {
		try {
			const order = await admin(`/admin/orders/${encodeURIComponent(id)}`);
			if (current?.id === id) render(order);
			else updateRow(order);
			return true;
		} catch {
			return false;
		}
	}

	const actions = orderActions(detail.querySelector(".detail-actions"), {
		admin,
		isHandled,
		messageOf,
		onOrderChanged,
		currentOrder: () => current,
		reread,
		render,
		updateRow,
		dialog: detail,
	});

	const downloads = orderDownloads({
		admin,
		isHandled,
		messageOf,
		currentOrder: () => current,
		render,
	});

	const notes = orderNotes(detail.querySelector(".detail-actions"), {
		admin,
		isHandled,
		messageOf,
		currentOrder: () => current,
		reread,
	});

	document.addEventListener("click", (event) => {
		const button = event.target.closest("button[data-open-order]");
		if (button) open(button.dataset.openOrder);
	});

	byId("close-detail").addEventListener("click", () => detail.close());
	detail.addEventListener("close", () => {
		openRequests.next();
		current = null;
		formsFor = null;
		back(opener).focus();
		opener = null;
	});

	return {
		load,
		/** The open order's id, or null. */
		currentId: () => current?.id ?? null,
		/** Shows one view of the list ("pending": awaiting payment), leaving any search. */
		show(value) {
			view.value = value;
			search.value = "";
			load({ reset: true });
		},
		reset() {
			listRequests.next();
			nextCursor = null;
			shownQuery = "";
			current = null;
			formsFor = null;
			if (detail.open) detail.close();
			replaceChildren(body);
			say(status, "");
			say(detailStatus, "");
			loadMore.hidden = true;
			clearSearch.hidden = true;
		},
	};
}
