/**
 * The admin console (SPEC 5): sign-in with the token (this tab only), the
 * dashboard row, and the tabs, each in its own module.
 */
import { catalogTab } from "./admin-catalog.js";
import { dashboardTiles } from "./admin-dashboard.js";
import { emailsTab } from "./admin-emails.js";
import { ordersTab } from "./admin-orders.js";
import { latestRequest, plural, shortOrderButton } from "./admin-view.js";
import { webhooksTab } from "./admin-webhooks.js";
import { ApiError, requestJson } from "./api.js";
import { byId, h, replaceChildren, say, timeEl } from "./dom.js";

const TOKEN_KEY = "shop.adminToken";
/** The 404 of a deployment without ADMIN_TOKEN (no admin route at all); others are about one thing. */
const ADMIN_OFF_CODE = "not_found";

const errorEl = byId("admin-error");
const loginSection = byId("login");
const tokenForm = byId("token-form");
const tokenInput = byId("admin-token");
const consoleSection = byId("console");

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

byId("sign-out").addEventListener("click", () => {
	clearToken();
	resetData();
	showLogin();
});

// ---- tabs -----------------------------------------------------------------

const tabs = [...document.querySelectorAll('[role="tab"]')];
const tabOf = (panel) => tabs.find((t) => t.getAttribute("aria-controls") === panel);
const loaded = new Set();
const isHandled = (err) => err instanceof HandledError;
const shared = { admin, isHandled, messageOf, loaded };

const emails = emailsTab({
	...shared,
	signedIn: () => memoryToken !== null,
	currentOrderId: () => orders.currentId(),
	onResent: () => loadDashboard(),
});
const orders = ordersTab({
	...shared,
	onOrderShown: (order) => emails.loadOrderEmails(order.id),
	onOrderChanged: () => loadDashboard(),
});
const catalog = catalogTab(shared);
const webhooks = webhooksTab({ ...shared, onReplayed: () => loadDashboard() });

function selectTab(tab, { focus = false } = {}) {
	for (const t of tabs) {
		const selected = t === tab;
		t.setAttribute("aria-selected", String(selected));
		t.tabIndex = selected ? 0 : -1;
		byId(t.getAttribute("aria-controls")).hidden = !selected;
	}
	if (focus) tab.focus();
	const panel = tab.getAttribute("aria-controls");
	if (!loaded.has(panel)) {
		if (panel === "panel-catalog") catalog.load();
		if (panel === "panel-events") webhooks.load();
		if (panel === "panel-alerts") loadAlerts();
		if (panel === "panel-emails") emails.load();
	}
}

for (const tab of tabs) {
	tab.addEventListener("click", () => selectTab(tab));
	tab.addEventListener("keydown", (event) => {
		const i = tabs.indexOf(tab);
		const next = {
			ArrowRight: tabs[(i + 1) % tabs.length],
			ArrowLeft: tabs[(i - 1 + tabs.length) % tabs.length],
			Home: tabs[0],
			End: tabs[tabs.length - 1],
		}[event.key];
		if (next) {
			event.preventDefault();
			selectTab(next, { focus: true });
		}
	});
}

// ---- the dashboard row ---------------------------------------------------------

const tiles = byId("dashboard-tiles");
const dashboardStatus = byId("dashboard-status");
const dashboardRequests = latestRequest();

async function loadDashboard() {
	const request = dashboardRequests.next();
	// Said on the first load only: a refresh after an action must not talk over its answer.
	if (tiles.childElementCount === 0) say(dashboardStatus, "Loading…");
	try {
		const [board, health] = await Promise.all([
			admin("/admin/dashboard", { signal: request }),
			webhooks.health().catch((err) => {
				if (isHandled(err)) throw err;
				return null;
			}),
		]);
		if (request.aborted) return;
		replaceChildren(tiles, dashboardTiles(board, health));
		say(dashboardStatus, "");
	} catch (err) {
		if (request.aborted || isHandled(err)) return;
		say(dashboardStatus, `Could not load the dashboard: ${messageOf(err)}`);
	}
}

/** Where each tile's button goes. */
const destinations = {
	awaiting: () => {
		selectTab(tabOf("panel-orders"));
		orders.show("pending");
	},
	alerts: () => selectTab(tabOf("panel-alerts"), { focus: true }),
	"failed-emails": () => {
		selectTab(tabOf("panel-emails"), { focus: true });
		emails.showFailed();
	},
	webhooks: () => selectTab(tabOf("panel-events"), { focus: true }),
};

tiles.addEventListener("click", (event) => {
	const button = event.target.closest("button[data-go]");
	if (button) destinations[button.dataset.go]?.();
});
byId("refresh-dashboard").addEventListener("click", loadDashboard);

// ---- alerts --------------------------------------------------------------------

const alertsBody = byId("alerts-body");
const alertsStatus = byId("alerts-status");

const alertsRequests = latestRequest();

async function loadAlerts() {
	loaded.add("panel-alerts");
	const request = alertsRequests.next();
	say(alertsStatus, "Loading alerts…");
	try {
		const data = await admin("/admin/alerts", { signal: request });
		if (request.aborted) return;
		const alerts = Array.isArray(data.alerts) ? data.alerts : [];
		replaceChildren(
			alertsBody,
			alerts.map((a) =>
				h(
					"tr",
					{},
					h("td", {}, timeEl(a.createdAt)),
					h("td", {}, a.kind ?? "—"),
					h("td", {}, a.orderId ? shortOrderButton(a.orderId) : "—"),
					h("td", { class: "wrap-text" }, a.message ?? "—"),
				),
			),
		);
		say(alertsStatus, alerts.length ? `${plural(alerts.length, "alert")}.` : "No alerts.");
	} catch (err) {
		if (request.aborted) return;
		loaded.delete("panel-alerts");
		if (!isHandled(err)) say(alertsStatus, `Could not load alerts: ${messageOf(err)}`);
	}
}

byId("refresh-alerts").addEventListener("click", loadAlerts);

// ---- start ----------------------------------------------------------------

// Tables scroll sideways on small screens: let keyboard users scroll them too.
for (const wrap of document.querySelectorAll(".table-wrap[data-scroll-label]")) {
	wrap.setAttribute("role", "region");
	wrap.setAttribute("aria-label", wrap.dataset.scrollLabel);
	wrap.tabIndex = 0;
}

function resetData() {
	loaded.clear();
	dashboardRequests.next();
	alertsRequests.next();
	orders.reset();
	catalog.reset();
	webhooks.reset();
	emails.reset();
	replaceChildren(tiles);
	replaceChildren(alertsBody);
	for (const el of [dashboardStatus, alertsStatus]) el.textContent = "";
}

async function start() {
	resetData();
	showConsole();
	selectTab(tabOf("panel-orders"));
	// One request first, so a wrong token is refused once; then the rest side by side.
	await orders.load({ reset: true });
	if (!memoryToken) return;
	loadDashboard();
	emails.refreshFailedCount();
}

if (memoryToken) start();
else showLogin("", { focus: false });
