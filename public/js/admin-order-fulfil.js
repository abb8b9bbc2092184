/**
 * "Mark shipped" on the open order, when its actions allow it: carrier and
 * tracking, every field optional; a payment that did not match is accepted by
 * shipping it (the form says so). Its answer is said beside the form.
 */
import { h, say } from "./dom.js";
import { tell } from "./form-feedback.js";
import { formField, formStatus, submit, textInput } from "./ui.js";

/**
 * @param {HTMLElement} container where the form goes (the dialog's `.detail-actions`)
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   onOrderChanged: () => void,
 *   currentOrder: () => any,
 *   render: (order: any) => void,
 *   updateRow: (order: any) => void,
 *   refocus: (button: HTMLElement, answer: HTMLElement) => void,
 * }} deps the Orders tab's, and how the actions give the keyboard back
 */
export function fulfilForm(
	container,
	{ admin, isHandled, messageOf, onOrderChanged, currentOrder, render, updateRow, refocus },
) {
	/** The form's inputs by the API's field names (the error messages name them). */
	const fulfillInputs = {
		carrier: textInput("carrier", { maxlength: 200 }),
		trackingNumber: textInput("trackingNumber", { spellcheck: "false", maxlength: 200 }),
		trackingUrl: h("input", {
			name: "trackingUrl",
			type: "url",
			inputmode: "url",
			autocomplete: "off",
			spellcheck: "false",
			maxlength: 2000,
			placeholder: "https://",
		}),
	};
	const held = h(
		"p",
		{ id: "fulfill-held", class: "small", hidden: true },
		"This payment did not match the order: marking it shipped accepts it, at what Stripe charged, and sends the shopper their confirmation.",
	);
	const fulfillError = h("div", { id: "fulfill-error", class: "alert", role: "alert" });
	const fulfillButton = submit("Mark shipped", { id: "fulfill" });
	const fulfillForm = h(
		"form",
		{ id: "fulfill-form", class: "fulfill-form", novalidate: true, hidden: true },
		h(
			"fieldset",
			{ "aria-describedby": "fulfill-hint" },
			h("legend", {}, "Mark shipped"),
			h(
				"p",
				{ id: "fulfill-hint", class: "small muted" },
				"Every field is optional; the shopper sees the tracking on their order page.",
			),
			held,
			h(
				"div",
				{ class: "fulfill-fields" },
				formField({ id: "fulfill-carrier", label: "Carrier", error: false }, fulfillInputs.carrier),
				formField(
					{ id: "fulfill-tracking-number", label: "Tracking number", error: false },
					fulfillInputs.trackingNumber,
				),
				formField(
					{ id: "fulfill-tracking-url", label: "Tracking URL", error: false },
					fulfillInputs.trackingUrl,
				),
			),
			fulfillError,
			fulfillButton,
		),
	);
	const fulfillStatus = formStatus("fulfill-status");
	container.append(fulfillForm, fulfillStatus);

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
		if (!currentOrder()) return;
		const order = currentOrder();
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
			if (currentOrder()?.id !== order.id) {
				updateRow(shipped);
				return;
			}
			fulfillForm.reset();
			render(shipped);
			tell(fulfillStatus, `Marked shipped: the order is ${shipped.status}.`);
			// The form is gone with its button: the keyboard goes to what it did.
			refocus(fulfillButton, fulfillStatus);
		} catch (err) {
			if (isHandled(err) || currentOrder()?.id !== order.id) return;
			tell(fulfillStatus, "");
			// Validation messages start with the field's name ("trackingUrl must be …").
			const about = /^(carrier|trackingNumber|trackingUrl)\b/.exec(messageOf(err))?.[1];
			showFulfillError(`Could not mark shipped: ${messageOf(err)}`, fulfillInputs[about] ?? null);
		} finally {
			fulfillButton.disabled = false;
		}
	});

	return {
		/** The form for this order, as its actions allow; emptied first when `another` order opens. */
		show(order, { another }) {
			if (another) {
				tell(fulfillStatus, "");
				fulfillForm.reset();
				showFulfillError("");
			}
			fulfillForm.hidden = !order.actions.fulfill;
			held.hidden = !order.actions.heldPayment;
		},
	};
}
