/**
 * The admin console (SPEC 5): sign-in with the token (this tab only), the
 * dashboard row, and the tabs, each in its own module.
 */
import { alertsTab } from "./admin-alerts.js";
import { catalogTab } from "./admin-catalog.js";
import { dashboardView } from "./admin-dashboard.js";
import { emailsTab } from "./admin-emails.js";
import { ordersTab } from "./admin-orders.js";
import { pagesTab } from "./admin-pages.js";
import { shippingTab } from "./admin-shipping.js";
import { shopTab } from "./admin-shop.js";
import { subscriptionsTab } from "./admin-subscriptions.js";
import { consoleFrame, tabBar } from "./admin-tabs.js";
import { webhooksTab } from "./admin-webhooks.js";
import { ApiError, requestJson } from "./api.js";
import { byId, h } from "./dom.js";
import { formField, submit } from "./ui.js";

const TOKEN_KEY = "shop.adminToken";
/** The 404 of a deployment without ADMIN_TOKEN (no admin route at all); others are about one thing. */
const ADMIN_OFF_CODE = "not_found";

const errorEl = byId("admin-error");
const loginSection = byId("login");
const consoleSection = byId("console");

// ---- the sign-in form, and the console's frame ---------------------------------

const tokenInput = h("input", {
	name: "token",
	type: "password",
	autocomplete: "off",
	spellcheck: "false",
	required: true,
});
const tokenForm = h(
	"form",
	{ id: "token-form", class: "stack" },
	formField({ id: "admin-token", label: "Admin token", error: false }, tokenInput),
	submit("Sign in"),
	h(
		"p",
		{ class: "small muted" },
		"The token stays in this tab only (session storage) and is sent as an Authorization header.",
	),
);
loginSection.append(h("h2", { id: "login-heading" }, "Sign in"), tokenForm);
consoleSection.append(...consoleFrame().flat());

// ---- token (this tab only) --------------------------------------------------

function getToken() {
	try {
		return sessionStorage.getItem(TOKEN_KEY);
	} catch {
		return null;
	}
}

function setToken(token) {
	try {
		sessionStorage.setItem(TOKEN_KEY, token);
	} catch {
		// Storage disabled: the token lives until the next reload.
	}
	memoryToken = token;
}

function clearToken() {
	try {
		sessionStorage.removeItem(TOKEN_KEY);
	} catch {
		// ignore
	}
	memoryToken = null;
}

let memoryToken = getToken();

function showLogin(message = "", { focus = true } = {}) {
	// An order's dialog would keep the page inert behind it: the sign-in form first.
	for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
	errorEl.textContent = message;
	consoleSection.hidden = true;
	loginSection.hidden = false;
	tokenInput.value = "";
	if (focus) tokenInput.focus();
}

function showConsole() {
	errorEl.textContent = "";
	loginSection.hidden = true;
	consoleSection.hidden = false;
}

/** An error already shown to the operator (wrong token, admin disabled). */
class HandledError extends Error {}

/** A request to /admin/* with the Bearer token; 401 and 404 (admin disabled) go back to the sign-in form. */
async function admin(path, options = {}) {
	const token = memoryToken;
	if (!token) {
		showLogin();
		throw new HandledError("no token");
	}
	try {
		return await requestJson(path, {
			...options,
			headers: { ...options.headers, Authorization: `Bearer ${token}` },
		});
	} catch (err) {
		if (err instanceof ApiError && err.status === 401) {
			clearToken();
			showLogin("Wrong token: it was not accepted and has been cleared. Enter it again.");
			throw new HandledError(err.message);
		}
		if (err instanceof ApiError && err.status === 404 && err.code === ADMIN_OFF_CODE) {
			clearToken();
			showLogin("Admin is not enabled on this deployment (set ADMIN_TOKEN).");
			throw new HandledError(err.message);
		}
		throw err;
	}
}

function messageOf(err) {
	return err instanceof Error ? err.message : String(err);
}

tokenForm.addEventListener("submit", (event) => {
	event.preventDefault();
	const token = tokenInput.value.trim();
	if (!token) {
		errorEl.textContent = "Enter the admin token.";
		tokenInput.focus();
		return;
	}
	setToken(token);
	tokenInput.value = "";
	start();
});

// ---- the tabs, the dashboard --------------------------------------------------------

const loaded = new Set();
const isHandled = (err) => err instanceof HandledError;
const shared = { admin, isHandled, messageOf, loaded };

const orders = ordersTab(byId("panel-orders"), byId("order-detail"), {
	...shared,
	onOrderShown: (order) => emails.loadOrderEmails(order.id),
	onOrderChanged: () => dashboard.load(),
});
const catalog = catalogTab(byId("panel-catalog"), shared);
const webhooks = webhooksTab(byId("panel-events"), {
	...shared,
	onReplayed: () => dashboard.load(),
});
const alerts = alertsTab(byId("panel-alerts"), shared);
const subscriptions = subscriptionsTab(byId("panel-subscriptions"), shared);
const shop = shopTab(byId("panel-shop"), shared);
const pages = pagesTab(byId("panel-pages"), shared);
const shipping = shippingTab(byId("panel-shipping"), shared);
const emails = emailsTab(byId("panel-emails"), {
	...shared,
	signedIn: () => memoryToken !== null,
	currentOrderId: () => orders.currentId(),
	onResent: () => dashboard.load(),
});

/** Each panel's first load, when it is first shown (and again after a failed one). */
const firstLoad = {
	"panel-catalog": () => catalog.load(),
	"panel-events": () => webhooks.load(),
	"panel-alerts": () => alerts.load(),
	"panel-subscriptions": () => subscriptions.load(),
	"panel-emails": () => emails.load(),
	"panel-shop": () => shop.load(),
	"panel-pages": () => pages.load(),
	"panel-shipping": () => shipping.load(),
};
const tabs = tabBar((panel) => {
	if (!loaded.has(panel)) firstLoad[panel]?.();
});

/** Where each dashboard tile's button goes. */
const destinations = {
	awaiting: () => {
		tabs.select("panel-orders", { focus: true });
		orders.show("pending");
	},
	alerts: () => tabs.select("panel-alerts", { focus: true }),
	"failed-emails": () => {
		tabs.select("panel-emails", { focus: true });
		emails.showFailed();
	},
	webhooks: () => tabs.select("panel-events", { focus: true }),
	catalog: () => tabs.select("panel-catalog", { focus: true }),
	subscriptions: () => tabs.select("panel-subscriptions", { focus: true }),
};

const dashboard = dashboardView(byId("dashboard"), {
	...shared,
	health: () => webhooks.health(),
	go: (destination) => destinations[destination]?.(),
});

byId("sign-out").addEventListener("click", () => {
	clearToken();
	resetData();
	showLogin();
});

// ---- start ----------------------------------------------------------------

function resetData() {
	loaded.clear();
	for (const view of [
		dashboard,
		orders,
		catalog,
		subscriptions,
		webhooks,
		alerts,
		emails,
		shipping,
		shop,
		pages,
	])
		view.reset();
}

async function start() {
	resetData();
	showConsole();
	tabs.select("panel-orders");
	// One request first, so a wrong token is refused once; then the rest side by side.
	await orders.load({ reset: true });
	if (!memoryToken) return;
	dashboard.load();
	emails.refreshFailedCount();
}

if (memoryToken) start();
else showLogin("", { focus: false });
