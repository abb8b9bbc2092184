/**
 * The pieces the console's views are built from, each written once: a
 * button, a form field with its hint and its error line, a check box, the
 * live lines that say what happened, a data table that scrolls sideways on a
 * phone. Views are functions that return elements (`h` from dom.js); what a
 * piece shows comes in as text, never as HTML.
 */
import { h } from "./dom.js";

/** Each kind of button's class, written out so a stylesheet's rule can be traced to it. */
const BUTTON_KINDS = { primary: "btn-primary", secondary: "btn-secondary", danger: "btn-danger" };
const buttonClass = (kind, small) => `btn ${BUTTON_KINDS[kind]}${small ? " btn-small" : ""}`;

/** A button that does not submit: `kind` "primary", "secondary" or "danger"; `small` for toolbars. */
export function button(text, { id, kind = "secondary", small = false, ...attrs } = {}) {
	return h("button", { type: "button", id, class: buttonClass(kind, small), ...attrs }, text);
}

/** A form's submit button. */
export function submit(text, { id, kind = "primary", small = false } = {}) {
	return h("button", { type: "submit", id, class: buttonClass(kind, small) }, text);
}

/** What a typed code or id needs: no autocorrect, no capital first letter. */
export const VERBATIM = { autocomplete: "off", autocapitalize: "none", spellcheck: "false" };

/** A one-line text input (its id is given by `formField`). */
export function textInput(name, attrs = {}) {
	return h("input", { name, type: "text", autocomplete: "off", ...attrs });
}

/**
 * A labelled control, its hint (`<id>-hint`, which describes it) and the line
 * form-feedback.js writes a refusal into (`<id>-error`). `label` may hold
 * elements (a currency beside "Price").
 */
export function formField(
	{ id, label, hint, hintId = `${id}-hint`, wide = false, error = true, className = "" },
	control,
) {
	control.id = id;
	if (hint !== undefined) control.setAttribute("aria-describedby", hintId);
	return h(
		"div",
		{ class: ["field", wide ? "field-wide" : "", className].filter(Boolean).join(" ") },
		h("label", { for: id }, label),
		control,
		hint !== undefined ? h("p", { id: hintId, class: "small muted" }, hint) : null,
		error ? h("p", { id: `${id}-error`, class: "field-error small" }) : null,
	);
}

/** A check box with its label after it. */
export function checkBox({ id, name, label, checked = false }) {
	return h(
		"div",
		{ class: "check" },
		h("input", { id, name, type: "checkbox", checked }),
		h("label", { for: id }, label),
	);
}

/** A line that says what a list or a view is doing (loading, counts, failures), read out politely. */
export function liveLine(id, { muted = true } = {}) {
	return h("p", {
		id,
		class: muted ? "small muted" : "small",
		role: "status",
		"aria-live": "polite",
	});
}

/** The line next to a form's button that says what became of it (form-feedback.js `tell`). */
export function formStatus(id) {
	return h("p", { id, class: "form-status small", role: "status" });
}

/** A form's button with its answer beside it. */
export function formActions(control, statusId) {
	return h("div", { class: "form-actions" }, control, formStatus(statusId));
}

/** A row of controls above a list. */
export function toolbar(...controls) {
	return h("div", { class: "toolbar" }, ...controls);
}

/**
 * A table in a region that scrolls sideways on a small screen, and by
 * keyboard (it takes the focus, named by `label`). A column is its heading,
 * or `{ text, num: true }` for an amount (right-aligned).
 */
export function dataTable({ label, caption, columns, bodyId, footId, className = "" }) {
	return h(
		"div",
		{ class: "table-wrap", role: "region", "aria-label": label, tabindex: 0 },
		h(
			"table",
			{ class: `data-table${className ? ` ${className}` : ""}` },
			caption ? h("caption", { class: "visually-hidden" }, caption) : null,
			h(
				"thead",
				{},
				h(
					"tr",
					{},
					columns.map((column) =>
						typeof column === "object" && !(column instanceof Node)
							? h("th", { scope: "col", class: column.num ? "num" : null }, column.text)
							: h("th", { scope: "col" }, column),
					),
				),
			),
			h("tbody", { id: bodyId }),
			footId ? h("tfoot", { id: footId }) : null,
		),
	);
}
