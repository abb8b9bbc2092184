/**
 * The admin console's Orders tab: the orders that need the owner (paid, to
 * ship) apart from the checkouts still awaiting payment, a search by e-mail or
 * id, and the order's detail in a dialog over the list: its history (status
 * changes and every refund), sync, refund and "Mark shipped", each with its
 * feedback beside its control.
 */

import { renderOrder } from "./admin-order-view.js";
import {
	ageEl,
	latestRequest,
	plural,
	relativeTime,
	shortOrderButton,
	statusBadge,
} from "./admin-view.js";
import { byId, h, replaceChildren, say } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { currencyLabel, formatMoney, toMajorString, toMinorUnits } from "./money.js";

const PAGE_SIZE = 50;
/** Item lines the list shows before "+ n more". */
const SUMMARY_LINES = 2;

/** What each view of the list holds, under the "Show" menu. */
const VIEW_HINTS = {
	paid: "Paid orders not yet shipped: what is waiting for you.",
	pending:
		"Checkouts opened but not paid yet. Their stock is held until Stripe's session expires, then it comes back.",
	"": "Every order, checkouts awaiting payment included.",
};

/**
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   onOrderShown: (order: any) => void,
 *   onOrderChanged: () => void,
 * }} deps what admin.js shares: its authenticated request, what to load beside an
 *   order (its e-mails), and what to refresh after a refund or a shipment (the dashboard)
 */
export function ordersTab({ admin, isHandled, messageOf, onOrderShown, onOrderChanged }) {
	const body = byId("orders-body");
	const status = byId("orders-status");
	const filterForm = byId("orders-filter");
	const search = byId("order-search");
	const view = byId("status-filter");
	const viewHint = byId("status-filter-hint");
	const clearSearch = byId("clear-search");
	const loadMore = byId("load-more");

	const detail = byId("order-detail");
	const detailBody = byId("detail-body");
	const detailStatus = byId("detail-status");
	const fulfillStatus = byId("fulfill-status");
	const syncButton = byId("sync");
	const syncStatus = byId("sync-status");
	const refundForm = byId("refund-form");
	const refundInput = byId("refund-amount");
	const refundButton = byId("refund");
	const refundStatus = byId("refund-status");
	const refundInputs = { amount: refundInput };
	const fulfillForm = byId("fulfill-form");
	const fulfillError = byId("fulfill-error");
	const fulfillButton = byId("fulfill");
	/** The form's inputs by the API's field names (the error messages name them). */
	const fulfillInputs = {
		carrier: byId("fulfill-carrier"),
		trackingNumber: byId("fulfill-tracking-number"),
		trackingUrl: byId("fulfill-tracking-url"),
	};

	let nextCursor = null;
	const listRequests = latestRequest();
	/** The search the list shows ("" for none): Load more continues it. */
	let shownQuery = "";
	/** The order open in the dialog, as last read. */
	let current = null;
	/** The last order asked for: a slower earlier answer is not shown. */
	const openRequests = latestRequest();
	/** Orders whose refund is on its way: no second one until it is answered. */
	const refunding = new Set();
	/**
	 * The refund that got no definite answer (a 5xx, a lost connection), by order and
	 * body: asking again for the same sends the same Idempotency-Key, so it is the same
	 * refund (the worker also treats the same amount asked again as that request's retry).
	 */
	let unanswered = null;
	/** Whose actions the dialog's forms hold: what was typed and said stays until another order opens. */
	let formsFor = null;
	/** Where the keyboard was when the dialog opened: it goes back there. */
	let opener = null;

	// ---- the list ------------------------------------------------------------------

	function itemSummary(items = []) {
		const lines = items.map((i) => `${i.quantity} × ${i.name}`);
		const shown = lines.slice(0, SUMMARY_LINES).join(", ");
		return lines.length > SUMMARY_LINES
			? `${shown}, + ${lines.length - SUMMARY_LINES} more`
			: shown;
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

	function orderRow(order) {
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

	/** What is left to refund; null for a held payment (all that Stripe took) or when nothing may be. */
	function refundMax(order) {
		return order.actions.refund?.max ?? null;
	}

	/** A payment that did not match its order, held while a human decides: refund it, or ship (honour) it. */
	function heldPayment(order) {
		return order.actions.heldPayment;
	}

	/** Whether the order can be refunded, and what the field's hint says. */
	function renderRefundForm(order) {
		const money = (n) => formatMoney(n, order);
		byId("refund-currency").textContent = `(${currencyLabel(order.currency)})`;
		const rest = refundMax(order);
		const held = heldPayment(order);
		const canRefund = order.actions.refund !== null;
		const busy = refunding.has(order.id);
		refundInput.disabled = !canRefund || busy;
		refundButton.disabled = !canRefund || busy;
		if (!canRefund) refundInput.value = "";
		byId("refund-hint").textContent = held
			? "This payment did not match the order. Leave empty to refund all Stripe took: the order then ends canceled and its items go back in stock."
			: canRefund
				? `Leave empty to refund the rest, ${money(rest)}. Or type part of it in ${currencyLabel(order.currency)}, like ${example(order)}.`
				: order.actions.refundRefused === "nothing_charged"
					? "Nothing was charged (the discount covered it all): nothing to refund."
					: order.actions.refundRefused === "fully_refunded"
						? "Fully refunded."
						: `Only paid or fulfilled orders can be refunded; this one is ${order.status}.`;
	}

	/** An amount as the operator would type it: "1,000" in yen, "12.50" in euros. */
	function example(order) {
		const sample = order.minorUnits === 0 ? 1000 : 12.5 * 10 ** order.minorUnits;
		const amount = Math.min(sample, refundMax(order) ?? sample);
		const major = toMajorString(amount, order);
		return order.minorUnits === 0 ? Number(major).toLocaleString("en") : major;
	}

	function render(order) {
		current = order;
		if (formsFor !== order.id) {
			// Another order: its forms start empty, with nothing said.
			formsFor = order.id;
			refundForm.reset();
			clearFieldErrors(refundInputs);
			tell(refundStatus, "");
			tell(syncStatus, "");
			tell(fulfillStatus, "");
			fulfillForm.reset();
			showFulfillError("");
		}
		renderOrder(order);
		renderRefundForm(order);
		fulfillForm.hidden = !order.actions.fulfill;
		syncButton.hidden = !order.actions.sync;
		byId("fulfill-held").hidden = !heldPayment(order);
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

	syncButton.addEventListener("click", async () => {
		if (!current) return;
		const id = current.id;
		const mine = () => current?.id === id;
		syncButton.disabled = true;
		tell(syncStatus, "Syncing from Stripe…");
		try {
			const synced = await admin(`/admin/orders/${encodeURIComponent(id)}/sync`, {
				method: "POST",
			});
			await reread(id);
			onOrderChanged();
			if (mine()) tell(syncStatus, `Synced from Stripe: the order is ${synced.status}.`);
		} catch (err) {
			if (!isHandled(err) && mine())
				tell(syncStatus, `Sync failed: ${messageOf(err)}`, { error: true });
		} finally {
			syncButton.disabled = false;
			if (mine()) refocus(syncButton, syncStatus);
		}
	});

	/**
	 * After an action whose button was disabled meanwhile (the browser then drops
	 * the focus): the keyboard goes back to the button, or to the action's answer
	 * when the button is gone or disabled for good.
	 */
	function refocus(button, answer) {
		if (document.activeElement !== document.body && document.activeElement !== null) return;
		if (!detail.open) return;
		if (button.isConnected && !button.disabled && button.offsetParent !== null) {
			button.focus();
			return;
		}
		answer.tabIndex = -1;
		answer.focus();
	}

	/** The field, its message and the answer beside the button, all in view. */
	function showRefundForm() {
		refundForm.scrollIntoView({ block: "nearest" });
	}

	refundForm.addEventListener("submit", async (event) => {
		event.preventDefault();
		if (!current) return;
		const order = current;
		const rest = refundMax(order);
		clearFieldErrors(refundInputs);
		const text = refundInput.value.trim();
		const amount = text === "" ? rest : toMinorUnits(text, order);
		const all = text === "" && heldPayment(order);
		if (amount === null && !all) {
			refuse(refundStatus, "Not refunded", [
				[
					refundInput,
					`Enter a positive amount in ${currencyLabel(order.currency)}, like ${example(order)}, or leave it empty for the rest.`,
				],
			]);
			showRefundForm();
			return;
		}
		// What Stripe holds of a payment that did not match is not the order's amount: Stripe judges.
		if (rest !== null && amount > rest) {
			refuse(refundStatus, "Not refunded", [
				[refundInput, `That is more than the ${formatMoney(rest, order)} left to refund.`],
			]);
			showRefundForm();
			return;
		}
		const what = all ? "everything Stripe took" : formatMoney(amount, order);
		if (!window.confirm(`Refund ${what} of order ${order.number}? This cannot be undone.`)) {
			tell(refundStatus, "Nothing was refunded.");
			return;
		}
		/** The dialog still shows this order: its form may say what became of the refund. */
		const mine = () => current?.id === order.id;
		refunding.add(order.id);
		renderRefundForm(order);
		tell(refundStatus, `Refunding ${what}…`);
		const body = text === "" ? {} : { amount };
		const same = unanswered?.orderId === order.id && unanswered.body === JSON.stringify(body);
		const key = same ? unanswered.key : crypto.randomUUID();
		unanswered = { orderId: order.id, body: JSON.stringify(body), key };
		try {
			const result = await admin(`/admin/orders/${encodeURIComponent(order.id)}/refund`, {
				method: "POST",
				// One key per confirmed refund, kept until it is answered: a retry never refunds twice.
				headers: { "Idempotency-Key": key },
				body,
			});
			unanswered = null;
			refunding.delete(order.id);
			const done = `Refunded ${formatMoney(result.amount ?? amount, order)}: ${result.status ?? "requested"} (${result.refundId}).`;
			const shown = await reread(order.id);
			onOrderChanged();
			if (mine()) {
				refundInput.value = "";
				tell(refundStatus, shown ? done : `${done} Reload the order to see it.`);
			}
		} catch (err) {
			refunding.delete(order.id);
			// A refusal is an answer; a 5xx or a lost connection is not: the same request keeps its key.
			if (Number.isInteger(err?.status) && err.status < 500) unanswered = null;
			if (isHandled(err)) return;
			if (mine()) {
				if (err?.code === "invalid_amount") {
					refuse(refundStatus, "Not refunded", [[refundInput, messageOf(err)]]);
				} else {
					// The API says why in full ("Fully refunded: nothing is left…").
					tell(refundStatus, messageOf(err), { error: true });
				}
			}
			// What the order is now (another refund may have come from Stripe's dashboard).
			await reread(order.id);
		} finally {
			refunding.delete(order.id);
			if (mine()) {
				renderRefundForm(current);
				showRefundForm();
				refocus(refundButton, refundStatus);
			}
		}
	});

	// ---- "Mark shipped" --------------------------------------------------------------

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
		const payload = {};
		for (const [name, input] of Object.entries(fulfillInputs)) {
			const value = input.value.trim();
			if (value) payload[name] = value;
		}
		showFulfillError("");
		fulfillButton.disabled = true;
		tell(fulfillStatus, "Marking shipped…");
		try {
			const shipped = await admin(`/admin/orders/${encodeURIComponent(order.id)}/fulfill`, {
				method: "POST",
				body: payload,
			});
			onOrderChanged();
			if (current?.id !== order.id) {
				updateRow(shipped);
				return;
			}
			fulfillForm.reset();
			render(shipped);
			tell(fulfillStatus, `Marked shipped: the order is ${shipped.status}.`);
			// The form is gone with its button: the keyboard goes to what it did.
			refocus(fulfillButton, fulfillStatus);
		} catch (err) {
			if (isHandled(err) || current?.id !== order.id) return;
			tell(fulfillStatus, "");
			// Validation messages start with the field's name ("trackingUrl must be …").
			const about = /^(carrier|trackingNumber|trackingUrl)\b/.exec(messageOf(err))?.[1];
			showFulfillError(`Could not mark shipped: ${messageOf(err)}`, fulfillInputs[about] ?? null);
		} finally {
			fulfillButton.disabled = false;
		}
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
