/**
 * Small pieces the admin console's tabs draw alike: a status badge, an order's
 * short number that opens it, a Stripe id, a count, an age, a labelled value,
 * a change from → to.
 */
import { h, srOnly } from "./dom.js";

export function statusBadge(status) {
	return h("span", { class: "badge-status", dataset: { status } }, status);
}

/** A `<dt>`/`<dd>` pair of a `<dl class="fields">`; a missing value reads as an em dash. */
export function field(label, value) {
	return [h("dt", {}, label), h("dd", {}, value ?? "—")];
}

/** " → " between a value before and after, read out as " to ". */
export function arrowTo() {
	return [h("span", { "aria-hidden": "true" }, " → "), srOnly(" to ")];
}

/** A Stripe or order id in monospace, or an em dash. */
export function code(text) {
	return text ? h("code", { class: "mono" }, text) : "—";
}

export function plural(n, word) {
	return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The order's short number (as its e-mails print it), opening the order; its whole id is read out. */
export function shortOrderButton(id) {
	const number = id.replace(/-/g, "").slice(0, 8).toUpperCase();
	return h(
		"button",
		{ type: "button", class: "link-button mono", title: id, dataset: { openOrder: id } },
		number,
		srOnly(`, order ${id}`),
	);
}

const UNITS = [
	["day", 86_400_000],
	["hour", 3_600_000],
	["minute", 60_000],
];
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto", style: "long" });

/** "5 minutes ago", "in 40 minutes": the largest whole unit, seconds as "now". */
export function relativeTime(iso, nowMs = Date.now()) {
	const delta = Date.parse(iso) - nowMs;
	if (!Number.isFinite(delta)) return "—";
	for (const [unit, ms] of UNITS) {
		if (Math.abs(delta) >= ms) return relative.format(Math.trunc(delta / ms), unit);
	}
	return relative.format(0, "second");
}

/** A `<time>` that reads as an age, with the exact time on hover. */
export function ageEl(iso, nowMs = Date.now()) {
	if (!iso) return document.createTextNode("—");
	return h("time", { datetime: iso, title: iso }, relativeTime(iso, nowMs));
}

/**
 * The late-answer guard: `next()` aborts the request started before it and
 * hands out a fresh signal, so an earlier, slower answer is never shown over a
 * later one. Pass the signal to the request; `signal.aborted` tells a handler
 * that its answer no longer counts.
 */
export function latestRequest() {
	let controller = null;
	return {
		next() {
			controller?.abort();
			controller = new AbortController();
			return controller.signal;
		},
	};
}

/**
 * After an action whose button was disabled meanwhile (the browser then drops
 * the focus to the page): the keyboard goes back to the button, or to the
 * action's answer when the button is gone or hidden. Focus the operator moved
 * elsewhere meanwhile stays where it is.
 */
export function giveFocusBack(button, answer) {
	if (document.activeElement !== document.body && document.activeElement !== null) return;
	if (button.isConnected && !button.disabled && button.offsetParent !== null) {
		button.focus();
		return;
	}
	if (!answer?.isConnected) return;
	answer.tabIndex = -1;
	answer.focus();
}
