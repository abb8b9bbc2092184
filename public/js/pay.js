/**
 * Our payment page (SPEC 16): the order's Checkout Session (`ui_mode:
 * "elements"`) paid with Stripe's Payment Element. Stripe.js (added by the
 * worker: js.stripe.com, or the emulator's stand-in offline) keeps the session:
 * its lines and totals are shown as they change with a promotion code or a
 * shipping rate; the card lives only in Stripe's frame. One Pay button, which
 * cannot send twice; a decline, an expired session or a lost connection is
 * said beside it in the page's language, and the shopper tries again in the
 * same session. Stripe sends the shopper to the success page once paid.
 */
import { ApiError, createCheckoutSession, paySecretKey, requestJson } from "./api.js";
import { setLastCheckout } from "./cart.js";
import { byId, h, replaceChildren, say } from "./dom.js";
import { declineText, errorText, locale, t } from "./i18n.js";
import { formatMoney } from "./money.js";

const shop = document.body.dataset;
const form = byId("pay-form");
const unavailable = byId("pay-unavailable");
const hostedForm = byId("hosted-form");
const payButton = byId("pay-button");
const payError = byId("pay-error");
const payStatus = byId("pay-status");
const emailInput = byId("email");
/** A signed-in shopper's checkout (the worker says so): saved cards, the account's e-mail. */
const signedIn = document.body.dataset.customer === "on";
const emailError = byId("email-error");
const codeInput = byId("promotion-code");
const codeError = byId("promotion-error");
const termsBox = byId("terms-accepted");
const addressError = byId("address-error");

const query = new URLSearchParams(location.search);
let orderId = query.get("order_id");
let resumeToken = query.get("token");

/** The session as Stripe.js last gave it, the actions it loaded, and whether a payment is on its way. */
let session = null;
let actions = null;
let confirming = false;
/** The address being given to Stripe just before a payment (the button waits for it). */
let checking = false;

const ADDRESS_FIELDS = {
	name: "ship-name",
	line1: "ship-line1",
	line2: "ship-line2",
	postal_code: "ship-postal-code",
	city: "ship-city",
	state: "ship-state",
	country: "ship-country",
};
const shipsTo = (shop.shipsTo ?? "").split(",").filter(Boolean);

const money = (amount) =>
	formatMoney(
		amount,
		{
			currency: session.currency,
			minorUnits: Math.round(Math.log10(session.minorUnitsAmountDivisor ?? 100)),
		},
		locale,
	);

/** Says the page cannot take the payment, and offers Stripe's page for the same order. */
function cannotPayHere(message) {
	form.hidden = true;
	unavailable.hidden = false;
	unavailable.textContent = message;
}

/** The client secret of the order's session: kept by the page that started it, else asked again. */
async function clientSecret({ fresh = false } = {}) {
	const key = paySecretKey(orderId);
	if (!fresh) {
		const kept = sessionStorage.getItem(key);
		if (kept) return kept;
	}
	const order = await requestJson(`/api/orders/${encodeURIComponent(orderId)}`);
	const items = (order.items ?? []).map((i) => ({ productId: i.productId, quantity: i.quantity }));
	const result = await createCheckoutSession({
		items,
		orderId,
		resumeToken,
		locale,
		uiMode: "elements",
	});
	if (!result.clientSecret) throw new ApiError(200, "bad_response", "No client secret.");
	if (result.orderId !== orderId) {
		// The old checkout had ended: the same items in a new order, its link now this page's.
		orderId = result.orderId;
		resumeToken = result.resumeToken;
		const own = new URLSearchParams({ order_id: orderId, token: resumeToken ?? "", lang: locale });
		history.replaceState(null, "", `${location.pathname}?${own}`);
		hostedForm.elements.orderId.value = orderId;
		hostedForm.elements.resumeToken.value = resumeToken ?? "";
	}
	setLastCheckout(orderId, items, resumeToken);
	try {
		sessionStorage.setItem(paySecretKey(orderId), result.clientSecret);
	} catch {
		// Not kept: a reload asks again.
	}
	return result.clientSecret;
}

/** The order's lines and totals, as the session has them now. */
function renderSummary() {
	replaceChildren(
		byId("pay-lines"),
		session.lineItems.map((line) =>
			h(
				"tr",
				{},
				h("td", {}, line.name),
				h("td", { class: "num" }, String(line.quantity)),
				h("td", { class: "num" }, money(line.subtotal.minorUnitsAmount)),
			),
		),
	);
	const total = session.total;
	const rows = [["pay.subtotal", total.subtotal.minorUnitsAmount, "pay-subtotal"]];
	if (total.discount.minorUnitsAmount > 0)
		rows.push(["pay.discount", -total.discount.minorUnitsAmount, "pay-discount"]);
	if (session.shipping)
		rows.push(["pay.shippingCost", total.shippingRate.minorUnitsAmount, "pay-shipping"]);
	if (total.taxExclusive.minorUnitsAmount > 0)
		rows.push(["pay.tax", total.taxExclusive.minorUnitsAmount, "pay-tax"]);
	rows.push(["pay.total", total.total.minorUnitsAmount, "pay-total"]);
	// A minus sign, as the success page and the e-mails write a discount.
	const shown = (amount) => (amount < 0 ? `\u2212${money(-amount)}` : money(amount));
	replaceChildren(
		byId("pay-totals"),
		rows.map(([key, amount, id]) =>
			h(
				"tr",
				{ class: id === "pay-total" ? "total" : null },
				h("th", { scope: "row", colspan: "2" }, t(key)),
				h("td", { class: "num", id }, shown(amount)),
			),
		),
	);
	payButton.textContent = t("pay.pay", { total: money(total.total.minorUnitsAmount) });
}

function renderPromotion() {
	const promotion = byId("promotion");
	promotion.hidden = shop.promotionCodes !== "on";
	const applied = session.discountAmounts?.find((d) => d.promotionCode) ?? null;
	byId("applied-code").hidden = !applied;
	if (applied)
		byId("applied-code-text").textContent = t("pay.codeApplied", { code: applied.promotionCode });
}

function renderShippingOptions() {
	const options = session.shippingOptions ?? [];
	byId("shipping-options").hidden = options.length === 0;
	const chosen = session.shipping?.shippingOption?.id;
	replaceChildren(
		byId("shipping-option-list"),
		options.map((option) =>
			h(
				"label",
				{ class: "choice" },
				h("input", {
					type: "radio",
					name: "shipping-option",
					value: option.id,
					checked: option.id === chosen,
				}),
				` ${[option.displayName ?? "", money(option.minorUnitsAmount), estimateText(option.deliveryEstimate)].filter(Boolean).join(" · ")}`,
			),
		),
	);
}

/** "3–5 business days", as Stripe's page says a rate's delivery estimate. */
function estimateText(estimate) {
	const low = estimate?.minimum?.value ?? estimate?.maximum?.value;
	const high = estimate?.maximum?.value ?? low;
	if (low === undefined || high === undefined) return "";
	return low === high ? t("pay.estimateOne", { days: low }) : t("pay.estimate", { low, high });
}

/** Everything the page shows of the session; called on each change Stripe.js reports. */
function render(next) {
	session = next;
	const status = session.status?.type;
	if (status === "complete") {
		say(payStatus, t("pay.complete"));
		// Paid by this page's confirm: Stripe.js is already taking the shopper to the return_url.
		if (confirming) return;
		// Paid elsewhere (another tab, an answer that was lost): the success page says what became of it.
		location.assign(
			`/success.html?${new URLSearchParams({ session_id: session.id, lang: locale })}`,
		);
		return;
	}
	if (status === "expired") {
		sessionStorage.removeItem(paySecretKey(orderId));
		// Closed since this page opened (paid another way in another tab, or its hour ran out):
		// the shop knows which, so it is asked again (once: a page that keeps closing says so).
		const reopened = `shop.pay.reopened.${orderId}`;
		if (Date.now() - Number(sessionStorage.getItem(reopened) ?? 0) > 10_000) {
			sessionStorage.setItem(reopened, String(Date.now()));
			location.reload();
			return;
		}
		cannotPayHere(t("pay.expired"));
		return;
	}
	renderSummary();
	renderPromotion();
	renderShippingOptions();
	updateButton();
}

function updateButton() {
	payButton.disabled = confirming || checking || !session?.canConfirm;
	if (confirming || checking) payButton.setAttribute("aria-busy", "true");
	else payButton.removeAttribute("aria-busy");
}

/** The address typed on this page, as Stripe.js takes it; null while it is incomplete. */
function shippingAddress() {
	const value = (field) => byId(ADDRESS_FIELDS[field]).value.trim();
	const address = {
		line1: value("line1"),
		line2: value("line2") || null,
		city: value("city"),
		postal_code: value("postal_code"),
		state: value("state") || null,
		country: value("country"),
	};
	return { name: value("name"), address };
}

/** Countries whose addresses need a state or province, as Stripe asks. */
const STATE_REQUIRED = ["US", "CA", "AU"];

/** The first empty required field of the address (with the phone, when `withPhone`). */
function missingShippingField(withPhone = true) {
	const ids = ["ship-name", "ship-line1", "ship-postal-code", "ship-city"];
	if (STATE_REQUIRED.includes(byId("ship-country").value)) ids.push("ship-state");
	for (const id of withPhone ? [...ids, "ship-phone"] : ids) {
		if (!byId(id).value.trim()) return byId(id);
	}
	return null;
}

/** The message for a refused payment, in the page's language. */
function confirmErrorText(error) {
	if (error?.code === "paymentFailed")
		return t("pay.declined", {
			reason: declineText(error.paymentFailed?.declineCode ?? "generic"),
		});
	return error?.message || t("pay.failed");
}

/**
 * After an unclear failure: perhaps it was paid after all (another tab, a lost
 * answer), or the shopper's connection is down (the shop is not reachable either).
 */
async function orderNow() {
	try {
		const order = await requestJson(`/api/orders/${encodeURIComponent(orderId)}`);
		const paid = ["paid", "processing", "fulfilled"].includes(order.status);
		return paid ? "paid" : "unpaid";
	} catch (err) {
		return err instanceof ApiError && err.status === 0 ? "unreachable" : "unpaid";
	}
}

async function pay(event) {
	event.preventDefault();
	if (confirming || checking || !actions || !session?.canConfirm) return;
	payError.textContent = "";
	emailError.textContent = "";
	const email = emailInput.value.trim();
	if (!emailInput.checkValidity() || !email) {
		emailError.textContent = t("pay.emailInvalid");
		emailInput.focus();
		return;
	}
	if (shipsTo.length > 0) {
		const missing = missingShippingField();
		if (missing) {
			payError.textContent = t("pay.addressMissing");
			missing.focus();
			return;
		}
	}
	// What the button says is what is charged: the address (its tax, its rates) is Stripe's
	// before the payment, and a total it changes is shown before anything is taken.
	const totalShown = session.total.total.minorUnitsAmount;
	checking = true;
	updateButton();
	const addressTaken = await sendAddress();
	checking = false;
	updateButton();
	if (!addressTaken) {
		byId("ship-line1").focus();
		return;
	}
	if (session.total.total.minorUnitsAmount !== totalShown) {
		payError.textContent = t("pay.totalChanged", {
			total: money(session.total.total.minorUnitsAmount),
		});
		return;
	}
	if (!byId("terms").hidden && !termsBox.checked) {
		payError.textContent = t("pay.termsRequired");
		termsBox.focus();
		return;
	}
	confirming = true;
	updateButton();
	say(payStatus, t("pay.paying"));
	let result;
	try {
		result = await actions.confirm({
			...(!emailInput.readOnly && { email }),
			...(shipsTo.length > 0 && {
				shippingAddress: shippingAddress(),
				phoneNumber: byId("ship-phone").value.trim(),
			}),
		});
	} catch {
		result = { type: "error", error: { code: null, message: t("pay.network") } };
	}
	// Success leaves for the return_url: Stripe.js is already on its way there.
	if (result.type === "success") {
		say(payStatus, t("pay.complete"));
		return;
	}
	confirming = false;
	say(payStatus, "");
	if (result.error?.code !== "paymentFailed") {
		const order = await orderNow();
		if (order === "paid") {
			render({ ...session, status: { type: "complete" } });
			return;
		}
		// Our own shop cannot be reached either: the shopper's connection is down.
		if (order === "unreachable") {
			payError.textContent = t("pay.network");
			updateButton();
			return;
		}
	}
	payError.textContent = confirmErrorText(result.error);
	updateButton();
}

async function applyCode() {
	const code = codeInput.value.trim();
	codeError.textContent = "";
	if (!code || !actions) return;
	const result = await actions.applyPromotionCode(code);
	if (result.type === "error") {
		codeError.textContent =
			result.error.code === "invalidCode" ? t("pay.codeInvalid") : result.error.message;
		return;
	}
	codeInput.value = "";
	render(result.session);
}

async function removeCode() {
	const result = await actions?.removePromotionCode();
	if (result?.type === "success") render(result.session);
}

async function chooseShipping(event) {
	if (event.target?.name !== "shipping-option" || !actions) return;
	const result = await actions.updateShippingOption(event.target.value);
	if (result.type === "error") payError.textContent = result.error.message;
	else render(result.session);
}

/**
 * Tells Stripe the address once it is whole (its tax and rates follow it) and
 * shows the new totals; false (with Stripe's reason beside the address) when it
 * is refused.
 */
async function sendAddress() {
	if (!actions || shipsTo.length === 0 || missingShippingField(false)) return true;
	const result = await actions.updateShippingAddress(shippingAddress());
	if (result.type === "error") {
		addressError.textContent = result.error.message;
		return false;
	}
	addressError.textContent = "";
	render(result.session);
	return true;
}

function addressChanged() {
	sendAddress();
}

/** The page's own fields (never the card: it is in Stripe's frame), kept in this tab across a reload. */
const FIELDS = ["email", ...Object.values(ADDRESS_FIELDS), "ship-phone"];
const fieldsKey = () => `shop.pay.fields.${orderId}`;

function keepFields() {
	const values = Object.fromEntries(FIELDS.map((id) => [id, byId(id).value]));
	try {
		sessionStorage.setItem(fieldsKey(), JSON.stringify(values));
	} catch {
		// Not kept: a reload asks again.
	}
}

/** What this tab typed before a reload, else what Stripe's session already has. */
function restoreFields() {
	let kept = {};
	try {
		kept = JSON.parse(sessionStorage.getItem(fieldsKey()) ?? "{}") ?? {};
	} catch {
		kept = {};
	}
	const contact = session.shippingAddress;
	const fromSession = {
		email: session.email,
		"ship-name": contact?.name,
		"ship-line1": contact?.address?.line1,
		"ship-line2": contact?.address?.line2,
		"ship-postal-code": contact?.address?.postal_code,
		"ship-city": contact?.address?.city,
		"ship-state": contact?.address?.state,
		"ship-country": contact?.address?.country,
		"ship-phone": session.phoneNumber,
	};
	for (const id of FIELDS) {
		const value = kept[id] || fromSession[id];
		if (value && (!byId(id).value || id === "ship-country")) byId(id).value = value;
	}
}

function setUpShipping() {
	if (shipsTo.length === 0) return;
	byId("shipping").hidden = false;
	const select = byId("ship-country");
	const names = new Intl.DisplayNames([locale], { type: "region" });
	replaceChildren(
		select,
		shipsTo.map((code) => h("option", { value: code }, names.of(code) ?? code)),
	);
	// The cart's destination, when one was chosen there; else the browser's region when the shop ships there.
	const region = (navigator.language.split("-")[1] ?? "").toUpperCase();
	const chosen = localStorage.getItem("shop.shipTo") ?? region;
	if (shipsTo.includes(chosen)) select.value = chosen;
	for (const id of [...Object.values(ADDRESS_FIELDS), "ship-phone"])
		byId(id).addEventListener("change", addressChanged);
}

function setUpTerms() {
	if (!shop.termsUrl) return;
	const link = h(
		"a",
		{ href: shop.termsUrl, target: "_blank", rel: "noopener" },
		t("pay.termsLink"),
	);
	const [before, after = ""] = t("pay.terms", { link: "\u0000" }).split("\u0000");
	replaceChildren(byId("terms-text"), before, link, after);
	byId("terms").hidden = false;
}

async function start() {
	if (!orderId || !resumeToken || !unavailable.hidden) return;
	if (typeof window.Stripe !== "function" || !shop.publishableKey) {
		cannotPayHere(t("pay.unavailable"));
		return;
	}
	say(payStatus, t("pay.loading"));
	const stripe = window.Stripe(shop.publishableKey, { locale });
	let checkout;
	let loaded;
	for (const fresh of [false, true]) {
		let secret;
		try {
			secret = await clientSecret({ fresh });
		} catch (err) {
			say(payStatus, "");
			if (err instanceof ApiError && err.code === "order_already_paid") {
				location.reload();
				return;
			}
			cannotPayHere(errorText(err));
			return;
		}
		checkout = stripe.initCheckoutElementsSdk({
			clientSecret: secret,
			// Signed in (SPEC 14): the Payment Element lists the saved cards and offers to save a new one.
			...(signedIn && {
				elementsOptions: { savedPaymentMethod: { enableSave: "auto", enableRedisplay: "auto" } },
			}),
		});
		loaded = await checkout.loadActions().catch(() => ({ type: "error" }));
		const status = loaded.type === "success" ? loaded.actions.getSession().status?.type : null;
		// A kept secret of a session that has ended since: ask the shop for the order's checkout again.
		if (loaded.type === "success" && status !== "expired") break;
		sessionStorage.removeItem(paySecretKey(orderId));
		if (fresh) break;
	}
	say(payStatus, "");
	if (loaded.type !== "success") {
		cannotPayHere(t("pay.unavailable"));
		return;
	}
	actions = loaded.actions;
	checkout.on("change", render);
	setUpShipping();
	setUpTerms();
	form.hidden = false;
	byId("hosted-note").textContent = t("pay.hostedInstead");
	checkout.createPaymentElement().mount("#payment-element");
	render(actions.getSession());
	restoreFields();
	// The account's address is the session's (its Stripe Customer's): shown, not typed again.
	if (signedIn && session.email) {
		emailInput.value = session.email;
		emailInput.readOnly = true;
	}
	if (shipsTo.length > 0) addressChanged();
}

form.addEventListener("submit", pay);
byId("apply-code").addEventListener("click", applyCode);
codeInput.addEventListener("keydown", (event) => {
	if (event.key !== "Enter") return;
	event.preventDefault();
	applyCode();
});
byId("remove-code").addEventListener("click", removeCode);
byId("shipping-option-list").addEventListener("change", chooseShipping);
emailInput.addEventListener("change", () => {
	emailError.textContent = "";
});
// A message about what was missing goes once it is typed; what is typed survives a reload.
form.addEventListener("input", (event) => {
	if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) {
		payError.textContent = "";
		keepFields();
	}
});
// Back from the success page (bfcache): the page is as it was left, the button usable again.
window.addEventListener("pageshow", (event) => {
	if (!event.persisted) return;
	confirming = false;
	updateButton();
	say(payStatus, "");
});

start();
