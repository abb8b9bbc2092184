/**
 * The open order's private note and its packing slip (SPEC 17): a note is
 * added with `POST /admin/orders/:id/notes` and shows in the order's history;
 * "Print packing slip" reads `GET /admin/orders/:id/packing-slip` with the
 * token and opens it in a window of its own, where the browser's print view
 * opens (admin-packing-slips.js).
 */
import { printSlips } from "./admin-packing-slips.js";
import { giveFocusBack } from "./admin-view.js";
import { h } from "./dom.js";
import { clearFieldErrors, refuse, tell } from "./form-feedback.js";
import { button, formActions, formField, submit } from "./ui.js";

/**
 * @param {HTMLElement} container the dialog's `.detail-actions`
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   currentOrder: () => any,
 *   reread: (id: string) => Promise<boolean>,
 * }} deps the Orders tab's
 */
export function orderNotes(container, { admin, isHandled, messageOf, currentOrder, reread }) {
	const text = h("textarea", { name: "text", rows: 2, maxlength: 2000 });
	const inputs = { text };
	const form = h(
		"form",
		{ id: "note-form", class: "note-form", novalidate: true },
		formField(
			{
				id: "note-text",
				label: "Private note",
				hint: "Kept in the order's history; never shown to the shopper.",
			},
			text,
		),
		formActions(submit("Add note", { kind: "secondary" }), "note-status"),
	);
	const slip = button("Print packing slip", { id: "packing-slip" });
	container.append(form, formActions(slip, "packing-slip-status"));
	const status = form.querySelector("#note-status");
	const slipStatus = container.querySelector("#packing-slip-status");

	form.addEventListener("submit", async (event) => {
		event.preventDefault();
		const order = currentOrder();
		if (!order) return;
		clearFieldErrors(inputs);
		if (!text.value.trim()) {
			refuse(status, "Not added", [[text, "Write the note first."]]);
			return;
		}
		const add = form.querySelector("button[type=submit]");
		add.disabled = true;
		tell(status, "Adding…");
		try {
			await admin(`/admin/orders/${encodeURIComponent(order.id)}/notes`, {
				method: "POST",
				body: { text: text.value },
			});
			form.reset();
			await reread(order.id);
			tell(status, "Added to the history.");
		} catch (err) {
			if (isHandled(err)) return;
			refuse(status, "Not added", [[text, messageOf(err)]]);
		} finally {
			add.disabled = false;
			// Disabled while it worked, the button let the keyboard fall to the page: back to it.
			giveFocusBack(add, status);
		}
	});

	slip.addEventListener("click", () => {
		const order = currentOrder();
		if (!order) return;
		const path = `/admin/orders/${encodeURIComponent(order.id)}/packing-slip`;
		printSlips({ admin, isHandled, messageOf }, path, slipStatus);
	});

	return {
		clear() {
			form.reset();
			clearFieldErrors(inputs);
			tell(status, "");
			tell(slipStatus, "");
		},
	};
}
