/**
 * Tiny DOM helpers. Server data only ever goes in as text (textContent or
 * attribute values), never as HTML.
 */

/**
 * h("p", {class: "note", id: "x", dataset: {productId: "a"}}, "text", child)
 * Attribute values of `false`/`null`/`undefined` are skipped; `true` sets an empty attribute.
 */
export function h(tag, attrs = {}, ...children) {
	const el = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs ?? {})) {
		if (value === false || value === null || value === undefined) continue;
		if (name === "dataset") Object.assign(el.dataset, value);
		else if (name === "class") el.className = value;
		else el.setAttribute(name, value === true ? "" : String(value));
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const child of children.flat()) {
		if (child === null || child === undefined || child === false) continue;
		el.append(child instanceof Node ? child : document.createTextNode(String(child)));
	}
}

/** Replaces an element's children. */
export function replaceChildren(el, ...children) {
	el.replaceChildren();
	append(el, children);
}

/** Sets a live region's text, only when it changes (so it is not announced twice). */
export function say(el, text) {
	if (el && el.textContent !== text) el.textContent = text;
}

export function byId(id) {
	return document.getElementById(id);
}

/** Text hidden visually but read by screen readers. */
export function srOnly(text) {
	return h("span", { class: "visually-hidden" }, text);
}

/** A date-time in the reader's locale, or an em dash. */
export function formatTime(iso) {
	if (!iso) return "—";
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return String(iso);
	return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" }).format(
		date,
	);
}

/** A `<time>` element for an ISO time. */
export function timeEl(iso) {
	if (!iso) return document.createTextNode("—");
	return h("time", { datetime: iso, title: iso }, formatTime(iso));
}

/** A link for a URL from the API; only web links become clickable, anything else stays text. */
export function webLink(url, text) {
	return typeof url === "string" && /^https?:\/\//i.test(url)
		? h("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, text)
		: text;
}
