/**
 * An e-mail's row, drawn alike in the Emails tab and under the open order:
 * its kind and subject, recipient, status with attempts, last error, and a
 * Resend while it can go again. Drawing only; admin-emails.js sends.
 */
import { plural, shortOrderButton, statusBadge } from "./admin-view.js";
import { h, srOnly, timeEl } from "./dom.js";

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

export function kindText(kind) {
	if (!kind) return "—";
	return EMAIL_KINDS[kind] ?? kind.replaceAll("_", " ");
}

/** Whether it may go again is the worker's word (`resendable`). */
const canResend = (email) => email.resendable === true;

/**
 * Everything in an e-mail's row but its action cell, in few columns so the
 * status and Resend stay in view: the kind over its subject, the status over
 * its attempts and sending time. The Emails tab also names the order.
 */
function emailCells(email, { withOrder }) {
	const line = (text) => h("span", { class: "email-line small muted" }, text);
	return [
		h("td", { dataset: { label: "Created" } }, timeEl(email.createdAt)),
		withOrder
			? h(
					"td",
					{ dataset: { label: "Order" } },
					email.orderId ? shortOrderButton(email.orderId) : "—",
				)
			: [],
		h(
			"td",
			{ class: "email-what", dataset: { label: "E-mail" } },
			h(
				"span",
				{ class: "email-line" },
				kindText(email.kind),
				email.locale ? ` (${email.locale})` : "",
			),
			line(email.subject ?? "—"),
			email.resendOf ? line("Sent again to a corrected address") : [],
		),
		h("td", { class: "email-to", dataset: { label: "Recipient" } }, email.to ?? "—"),
		h(
			"td",
			{ class: "email-state", dataset: { label: "Status" } },
			statusBadge(email.status),
			line(plural(email.attempts ?? 0, "attempt")),
			// A resent or failed e-mail keeps the time it last went out.
			email.sentAt
				? line([email.status === "sent" ? "sent " : "last sent ", timeEl(email.sentAt)])
				: [],
		),
		h(
			"td",
			{ class: "wrap-text email-error", dataset: { label: "Last error" } },
			email.lastError ?? "—",
		),
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

/** A corrected address for this e-mail: a new e-mail of the outbox, the first one kept. */
function resendToForm(email, { withOrder }) {
	// The same e-mail is drawn in the Emails tab and in its order's dialog: an id for each place.
	const id = `resend-to-${withOrder ? "list" : "order"}-${email.id}`;
	return h(
		"details",
		{ class: "resend-to", dataset: { resendToFor: email.id } },
		h("summary", {}, "To another address"),
		h(
			"form",
			{ dataset: { resendTo: email.id }, novalidate: true },
			h("label", { for: id }, "Corrected address"),
			h("input", { id, name: "to", type: "email", required: true, value: email.to ?? "" }),
			h("button", { type: "submit", class: "btn btn-secondary btn-small" }, "Send there"),
		),
	);
}

/**
 * A row whose action cell (the Resend button and what became of it, a live
 * region) stays put when the row is updated, so the feedback is announced.
 */
export function emailRow(email, options) {
	const feedback = h("span", { class: "action-feedback small", "aria-live": "polite" });
	const row = h(
		"tr",
		{ dataset: { emailId: email.id } },
		h("td", { class: "email-action" }, feedback),
	);
	fillEmailRow(row, email, options);
	return row;
}

export function fillEmailRow(row, email, options) {
	const action = row.lastElementChild;
	while (row.firstElementChild !== action) row.firstElementChild.remove();
	action.before(...emailCells(email, options));
	const button = action.querySelector("button[data-resend-email]");
	if (canResend(email) && !button) action.prepend(resendButton(email));
	if (!canResend(email) && button) button.remove();
	const resendTo = action.querySelector("details[data-resend-to-for]");
	if (canResend(email) && !resendTo)
		action.querySelector(".action-feedback").before(resendToForm(email, options));
	if (!canResend(email) && resendTo) resendTo.remove();
}
