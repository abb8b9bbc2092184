/**
 * The refund form's details (SPEC 17): Stripe's reason, the owner's note (kept
 * by the shop, never sent to Stripe), how many of each item go back in stock,
 * and the confirmation in the page's own dialog, which says all of it before
 * anything is refunded.
 */
import { h, replaceChildren } from "./dom.js";
import { button, formField, textInput } from "./ui.js";

const REASONS = [
	["", "No reason given"],
	["requested_by_customer", "Requested by the customer"],
	["duplicate", "Duplicate payment"],
	["fraudulent", "Fraudulent"],
];

/**
 * @param {HTMLFormElement} form the refund form, its fields added before its button
 * @returns `show(order)`, `values()` (the body's reason, note and restock), `confirm(text)`
 *   (resolves true when the owner confirms), `clear()`
 */
export function refundDetails(form) {
	const reason = h(
		"select",
		{ name: "reason" },
		REASONS.map(([value, label]) => h("option", { value }, label)),
	);
	const note = textInput("note", { maxlength: 500 });
	const restock = h("fieldset", { id: "refund-restock", class: "refund-restock" });
	const actions = form.querySelector(".form-actions");
	actions.before(
		formField(
			{ id: "refund-reason", label: "Reason", hint: "Sent to Stripe with the refund." },
			reason,
		),
		formField(
			{
				id: "refund-note",
				label: "Note",
				hint: "Kept with the refund in the order's history; not sent to Stripe.",
			},
			note,
		),
		restock,
	);
	const text = h("p", { id: "refund-confirm-text" });
	const yes = button("Refund", { id: "refund-confirm-yes", kind: "danger" });
	const no = button("Keep the money", { id: "refund-confirm-no" });
	const dialog = h(
		"dialog",
		{ id: "refund-confirm", class: "confirm-dialog", "aria-labelledby": "refund-confirm-heading" },
		h("h2", { id: "refund-confirm-heading" }, "Refund this order?"),
		text,
		h("div", { class: "form-actions" }, yes, no),
	);
	form.append(dialog);

	return {
		/**
		 * One quantity field per product that may go back in stock (the worker's
		 * `restockable`: limited products, less what earlier refunds put back).
		 */
		show(order) {
			const back = order.restockable ?? [];
			const name = (id) => order.items?.find((i) => i.productId === id)?.name ?? id;
			replaceChildren(
				restock,
				h("legend", {}, "Put back in stock"),
				back.map((r, i) =>
					formField(
						{
							id: `refund-restock-${i}`,
							label: `${name(r.productId)} (up to ${r.max})`,
							error: false,
						},
						h("input", {
							name: "restock",
							type: "number",
							min: 0,
							max: r.max,
							value: 0,
							inputmode: "numeric",
							dataset: { productId: r.productId },
						}),
					),
				),
			);
			restock.hidden = back.length === 0;
		},
		values() {
			const back = [...restock.querySelectorAll("input[name=restock]")]
				.map((input) => ({ productId: input.dataset.productId, quantity: Number(input.value) }))
				.filter((r) => Number.isInteger(r.quantity) && r.quantity > 0);
			return {
				...(reason.value && { reason: reason.value }),
				...(note.value.trim() && { note: note.value.trim() }),
				...(back.length > 0 && { restock: back }),
			};
		},
		/** The page's own dialog: resolves true on "Refund", false on "Keep the money" or Escape. */
		confirm(message) {
			text.textContent = message;
			dialog.showModal();
			// The safe answer has the keyboard: Enter twice never refunds by accident.
			no.focus();
			return new Promise((resolve) => {
				const done = (answer) => {
					yes.removeEventListener("click", onYes);
					no.removeEventListener("click", onNo);
					dialog.removeEventListener("cancel", onNo);
					dialog.close();
					resolve(answer);
				};
				const onYes = () => done(true);
				const onNo = (event) => {
					event?.preventDefault();
					done(false);
				};
				yes.addEventListener("click", onYes);
				no.addEventListener("click", onNo);
				dialog.addEventListener("cancel", onNo);
			});
		},
		clear() {
			reason.value = "";
			note.value = "";
		},
	};
}
