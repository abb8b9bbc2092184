/**
 * The console's frame: the tab bar (with "Forget token" at its end), one
 * panel per tab, and the order's dialog the tabs open. A tab is chosen by
 * click or by the arrow keys, Home and End (the ARIA tabs pattern); each panel
 * is drawn by its own view module.
 */
import { byId, h } from "./dom.js";
import { button } from "./ui.js";

/** The tabs, in order: the panel's id is `panel-<id>`, the tab's `tab-<id>`. */
const TABS = [
	["orders", "Orders"],
	["catalog", "Catalog"],
	["subscriptions", "Subscriptions"],
	["events", "Webhooks"],
	["alerts", "Alerts"],
	["emails", ["Emails", h("span", { id: "emails-failed-count" })]],
	["shipping", "Shipping"],
	["shop", "Shop"],
	["pages", "Pages"],
];

/** The tab bar and the empty panels, the first one shown; the dialog the orders open. */
export function consoleFrame() {
	const tabs = TABS.map(([id, label], i) =>
		h(
			"button",
			{
				type: "button",
				role: "tab",
				id: `tab-${id}`,
				"aria-controls": `panel-${id}`,
				"aria-selected": String(i === 0),
				tabindex: i === 0 ? null : -1,
			},
			label,
		),
	);
	return [
		h("section", { id: "dashboard", class: "dashboard", "aria-labelledby": "dashboard-heading" }),
		h(
			"div",
			{ class: "console-bar" },
			h("div", { class: "tabs", role: "tablist", "aria-label": "Admin sections" }, tabs),
			button("Forget token", { id: "sign-out", small: true }),
		),
		TABS.map(([id], i) =>
			h("section", {
				id: `panel-${id}`,
				role: "tabpanel",
				"aria-labelledby": `tab-${id}`,
				class: "tab-panel",
				hidden: i > 0,
			}),
		),
		h("dialog", { id: "order-detail", class: "drawer", "aria-labelledby": "detail-heading" }),
	];
}

/**
 * Makes the tab bar work: `onShow(panelId)` runs each time a panel is shown.
 * Answers `select(panelId, {focus})`.
 */
export function tabBar(onShow) {
	const tabs = [...document.querySelectorAll('[role="tab"]')];
	const tabOf = (panel) => tabs.find((t) => t.getAttribute("aria-controls") === panel);

	function selectTab(tab, { focus = false } = {}) {
		for (const t of tabs) {
			const selected = t === tab;
			t.setAttribute("aria-selected", String(selected));
			t.tabIndex = selected ? 0 : -1;
			byId(t.getAttribute("aria-controls")).hidden = !selected;
		}
		if (focus) tab.focus();
		onShow(tab.getAttribute("aria-controls"));
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

	return { select: (panel, options) => selectTab(tabOf(panel), options) };
}
