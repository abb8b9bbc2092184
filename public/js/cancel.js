/**
 * The worker says what is true for the order in the link and shows "Resume
 * payment" (a real form) only for a checkout that can still be paid
 * (src/pages/cancel-page.ts); with JavaScript the form is sent as JSON instead,
 * so a slow checkout can say it is waiting. A link without a token (bare, or
 * naming this browser's own last checkout) becomes that checkout's link, with
 * its token, so the worker can look at it.
 */
import { ApiError, createCheckoutSession, goToPayment, requestJson } from "./api.js";
import { clearLastCheckout, getLastCheckout, setLastCheckout } from "./cart.js";
import { byId, say } from "./dom.js";
import { errorText, locale, t } from "./i18n.js";

const form = byId("resume-form");
const resumeButton = byId("resume");
const errorEl = byId("error");
const statusEl = byId("cancel-status");

const last = getLastCheckout();
const query = new URLSearchParams(location.search);
const named = query.get("order_id");
// Back from a plan's checkout (`plan`): not the cart's checkout, whatever this browser kept.
if (
	!query.get("plan") &&
	!query.get("token") &&
	last?.orderId &&
	last.resumeToken &&
	(!named || named === last.orderId)
) {
	const own = new URLSearchParams({
		order_id: last.orderId,
		token: last.resumeToken,
		lang: locale,
	});
	location.replace(`${location.pathname}?${own}`);
}
const orderId = form.elements.orderId.value || null;
const resumeToken = form.elements.resumeToken.value || null;

/** The items of the order to resume: from this browser's last checkout, else from the server. */
async function itemsOfOrder(id) {
	if (last?.orderId === id && last.items.length) return last.items;
	const order = await requestJson(`/api/orders/${encodeURIComponent(id)}`);
	return (order.items ?? []).map((i) => ({ productId: i.productId, quantity: i.quantity }));
}

form.addEventListener("submit", async (event) => {
	event.preventDefault();
	if (!orderId || resumeButton.disabled) return;
	resumeButton.disabled = true;
	resumeButton.setAttribute("aria-busy", "true");
	errorEl.textContent = "";
	say(statusEl, t("cancel.reopening"));
	try {
		const items = await itemsOfOrder(orderId);
		const result = await createCheckoutSession(
			{ items, orderId, resumeToken, locale },
			{ onWait: (seconds) => say(statusEl, t("cart.stillPreparing", { seconds })) },
		);
		setLastCheckout(result.orderId, items, result.resumeToken);
		say(statusEl, t(result.url ? "cart.redirecting" : "cart.opening"));
		goToPayment(result, locale);
		return;
	} catch (err) {
		say(statusEl, "");
		if (err instanceof ApiError && err.code === "order_already_paid") {
			// Paid meanwhile (another tab, a late bank payment): the worker shows the order as it is now.
			if (last?.orderId === orderId) clearLastCheckout();
			location.reload();
			return;
		}
		errorEl.textContent = errorText(err);
		if (err instanceof ApiError && err.code === "order_not_found") form.hidden = true;
	}
	resumeButton.disabled = false;
	resumeButton.removeAttribute("aria-busy");
});

window.addEventListener("pageshow", (event) => {
	if (!event.persisted) return;
	resumeButton.disabled = false;
	resumeButton.removeAttribute("aria-busy");
	say(statusEl, "");
});
