/**
 * Feedback where the action is (the admin console's forms): a refusal beside
 * its field (aria-invalid, described by its message), and a short line next
 * to the form's button, a live region, that reads the field messages out.
 * Each field's message element is `<input id>-error`.
 */
import { byId, replaceChildren, srOnly } from "./dom.js";

/** The hint ids an input is described by when it is valid. */
function hintsOf(input) {
	if (input.dataset.hints === undefined)
		input.dataset.hints = input.getAttribute("aria-describedby") ?? "";
	return input.dataset.hints;
}

function labelOf(input) {
	return (input.labels?.[0]?.textContent ?? input.name).replace(/\s+/g, " ").trim();
}

function setFieldError(input, message) {
	const hints = hintsOf(input);
	const errorEl = byId(`${input.id}-error`);
	errorEl.textContent = message;
	input.setAttribute("aria-invalid", "true");
	input.setAttribute("aria-describedby", `${errorEl.id}${hints ? ` ${hints}` : ""}`);
}

export function clearFieldErrors(inputs) {
	for (const input of new Set(Object.values(inputs))) {
		const hints = hintsOf(input);
		byId(`${input.id}-error`).textContent = "";
		input.removeAttribute("aria-invalid");
		if (hints) input.setAttribute("aria-describedby", hints);
		else input.removeAttribute("aria-describedby");
	}
}

/**
 * A form's live region next to its button: a short line on screen; with
 * `spoken`, the messages beside the fields are read out too.
 */
export function tell(el, text, { spoken = "", error = false } = {}) {
	el.classList.toggle("is-error", error);
	replaceChildren(el, text, spoken ? srOnly(` ${spoken}`) : []);
}

/**
 * Shows each `[input, message]` beside its field, says so next to the
 * button, and takes the keyboard to the first field at fault.
 */
export function refuse(formStatus, prefix, problems) {
	for (const [input, message] of problems) setFieldError(input, message);
	const names = problems.map(([input]) => labelOf(input));
	tell(formStatus, `${prefix}: check ${names.join(", ")}.`, {
		spoken: problems.map(([input, message]) => `${labelOf(input)}: ${message}`).join(" "),
		error: true,
	});
	problems[0][0].focus();
}
