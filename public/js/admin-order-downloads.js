/**
 * The open order's download links (SPEC 17): each file's link, how many
 * downloads it has left and until when, and "Issue new links" (`POST
 * /admin/orders/:id/downloads`), which replaces them: the old ones stop
 * working, and a resent confirmation e-mail carries the new ones.
 */
import { giveFocusBack } from "./admin-view.js";
import { byId, h, replaceChildren, timeEl } from "./dom.js";
import { tell } from "./form-feedback.js";
import { button, formActions } from "./ui.js";

/** The section's markup, for the dialog's body (hidden while the order has no files). */
export function downloadsSection() {
	return h(
		"section",
		{ id: "detail-downloads", "aria-labelledby": "downloads-heading", hidden: true },
		h("h3", { id: "downloads-heading" }, "Downloads"),
		h("ul", { id: "download-links" }),
		formActions(button("Issue new links", { id: "issue-downloads" }), "issue-downloads-status"),
	);
}

/** A link as text to copy (opening it here would use one of the shopper's downloads). */
function linkItem(link) {
	const state = link.usable
		? [`${link.downloadsLeft} of 5 downloads left, until `, timeEl(link.expiresAt)]
		: [link.downloadsLeft === 0 ? "used up" : "expired"];
	return h(
		"li",
		{},
		link.name,
		" — ",
		...state,
		h("br"),
		h("code", { class: "small" }, new URL(link.url, location.origin).href),
	);
}

/**
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   currentOrder: () => any,
 *   render: (order: any) => void,
 * }} deps the Orders tab's
 * @returns `show(order)` and `clear()`
 */
export function orderDownloads({ admin, isHandled, messageOf, currentOrder, render }) {
	const section = byId("detail-downloads");
	const list = byId("download-links");
	const issue = byId("issue-downloads");
	const status = byId("issue-downloads-status");

	issue.addEventListener("click", async () => {
		const order = currentOrder();
		if (!order) return;
		issue.disabled = true;
		tell(status, "Issuing…");
		try {
			const updated = await admin(`/admin/orders/${encodeURIComponent(order.id)}/downloads`, {
				method: "POST",
			});
			render(updated);
			tell(
				status,
				"New links issued; the old ones no longer work. Resend the confirmation e-mail (below) to send them.",
			);
		} catch (err) {
			if (isHandled(err)) return;
			tell(status, `Not issued: ${messageOf(err)}`, { error: true });
		} finally {
			issue.disabled = false;
			giveFocusBack(issue, status);
		}
	});

	return {
		show(order) {
			const links = order.downloads ?? [];
			section.hidden = links.length === 0 && !order.canIssueDownloads;
			issue.hidden = !order.canIssueDownloads;
			replaceChildren(
				list,
				links.length > 0
					? links.map(linkItem)
					: h(
							"li",
							{ class: "muted" },
							"No links: its products had no file when it was paid. Issue them now.",
						),
			);
		},
		clear() {
			tell(status, "");
		},
	};
}
