/**
 * What the operator may do with the open order, as the worker allows it
 * (`order.actions`: the console shows exactly those): sync from Stripe, refund
 * (all that is left, or part, with a reason, a note and what goes back in
 * stock, confirmed in the page's own dialog (admin-refund-details.js), with one
 * Idempotency-Key per confirmed refund),
 * and "Mark shipped" (admin-order-fulfil.js). Each says its answer beside its
 * button.
 */
import { fulfilForm } from "./admin-order-fulfil.js";
import { refundDetails } from "./admin-refund-details.js";
import { giveFocusBack } from "./admin-view.js";
import { byId, h } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { currencyLabel, formatMoney, toMajorString, toMinorUnits } from "./money.js";
import { button, formActions, formField, submit, textInput } from "./ui.js";

/**
 * @param {HTMLElement} container the dialog's `.detail-actions`
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   onOrderChanged: () => void,
 *   currentOrder: () => any,
 *   reread: (id: string) => Promise<boolean>,
 *   render: (order: any) => void,
 *   updateRow: (order: any) => void,
 *   dialog: HTMLDialogElement,
 * }} deps the Orders tab's: the open order, how to read and draw it again
 */
export function orderActions(
	container,
	{ admin, isHandled, messageOf, onOrderChanged, currentOrder, reread, render, updateRow, dialog },
) {
	const syncButton = button("Sync from Stripe", { id: "sync" });
	const refundInput = textInput("amount", { inputmode: "decimal" });
	const refundButton = submit("Refund", { id: "refund", kind: "danger" });
	const refundForm = h(
		"form",
		{ id: "refund-form", class: "refund-form", novalidate: true },
		formField(
			{
				id: "refund-amount",
				label: ["Refund amount ", h("span", { id: "refund-currency" })],
				hint: "",
				hintId: "refund-hint",
			},
			refundInput,
		),
		formActions(refundButton, "refund-status"),
	);
	container.append(formActions(syncButton, "sync-status"), refundForm);
	const details = refundDetails(refundForm);
	const syncStatus = byId("sync-status");
	const refundStatus = byId("refund-status");
	const refundInputs = { amount: refundInput };
	/** Orders whose refund is on its way: no second one until it is answered. */
	const refunding = new Set();
	/**
	 * The refund that got no definite answer (a 5xx, a lost connection), by order and
	 * body: asking again for the same sends the same Idempotency-Key, so it is the same
	 * refund (the worker also treats the same amount asked again as that request's retry).
	 */
	let unanswered = null;

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

	syncButton.addEventListener("click", async () => {
		if (!currentOrder()) return;
		const id = currentOrder().id;
		const mine = () => currentOrder()?.id === id;
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

	/** The keyboard back where it was, while the order's dialog is open. */
	function refocus(button, answer) {
		if (dialog.open) giveFocusBack(button, answer);
	}

	/** The field, its message and the answer beside the button, all in view. */
	function showRefundForm() {
		refundForm.scrollIntoView({ block: "nearest" });
	}

	refundForm.addEventListener("submit", async (event) => {
		event.preventDefault();
		if (!currentOrder()) return;
		const order = currentOrder();
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
		const extra = details.values();
		const back = (extra.restock ?? [])
			.map(
				(r) =>
					`${r.quantity} × ${order.items.find((i) => i.productId === r.productId)?.name ?? r.productId}`,
			)
			.join(", ");
		const confirmed = await details.confirm(
			`Refund ${what} of order ${order.number} to the customer's card?${back ? ` Put back in stock: ${back}.` : ""} This cannot be undone.`,
		);
		if (!confirmed) {
			tell(refundStatus, "Nothing was refunded.");
			refundButton.focus();
			return;
		}
		/** The dialog still shows this order: its form may say what became of the refund. */
		const mine = () => currentOrder()?.id === order.id;
		refunding.add(order.id);
		renderRefundForm(order);
		tell(refundStatus, `Refunding ${what}…`);
		const body = { ...(text === "" ? {} : { amount }), ...extra };
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
				details.clear();
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
				} else if (err?.details?.field === "restock") {
					tell(refundStatus, `Not refunded: ${messageOf(err)}`, { error: true });
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
				renderRefundForm(currentOrder());
				showRefundForm();
				refocus(refundButton, refundStatus);
			}
		}
	});

	const fulfil = fulfilForm(container, {
		admin,
		isHandled,
		messageOf,
		onOrderChanged,
		currentOrder,
		render,
		updateRow,
		refocus,
	});

	return {
		/** The forms for this order, as its actions allow; emptied first when `another` order opens. */
		show(order, { another }) {
			if (another) {
				refundForm.reset();
				clearFieldErrors(refundInputs);
				tell(refundStatus, "");
				tell(syncStatus, "");
			}
			renderRefundForm(order);
			if (another) details.clear();
			details.show(order);
			fulfil.show(order, { another });
			syncButton.hidden = !order.actions.sync;
		},
	};
}
