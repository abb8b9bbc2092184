/**
 * The admin console's Emails tab (SPEC 12): the outbox, newest first, with a
 * Resend on each sent or failed e-mail that follows it through the queue, and
 * the open order's own e-mails under its detail. "Emails (n failed)" on the tab.
 */
import { emailRow, fillEmailRow } from "./admin-email-rows.js";
import { latestRequest, plural } from "./admin-view.js";
import { byId, h, replaceChildren, say } from "./dom.js";
import { dataTable, liveLine, submit } from "./ui.js";

/** What the API answers at most: a full page means there may be more. */
const EMAILS_PAGE = 100;
/** After a resend, how often and how long the row is refreshed until it is no longer pending. */
const FOLLOW_UP_MS = 2000;
const FOLLOW_UP_TRIES = 8;

/**
 * @param {HTMLElement} panel the tab's panel
 * @param {{
 *   admin: (path: string, options?: object) => Promise<any>,
 *   isHandled: (err: unknown) => boolean,
 *   messageOf: (err: unknown) => string,
 *   loaded: Set<string>,
 *   signedIn: () => boolean,
 *   currentOrderId: () => string | null,
 *   onResent: () => void,
 * }} deps what admin.js shares, which order the detail shows, and what to
 *   refresh once a resend is settled (the dashboard's failed count)
 */
export function emailsTab(
	panel,
	{ admin, isHandled, messageOf, loaded, signedIn, currentOrderId, onResent },
) {
	const emailsFilter = h(
		"select",
		{ id: "emails-status-filter", name: "status" },
		["", "pending", "sent", "failed"].map((value) => h("option", { value }, value || "All")),
	);
	const filterForm = h(
		"form",
		{ id: "emails-filter", class: "toolbar" },
		h(
			"div",
			{ class: "field inline" },
			h("label", { for: emailsFilter.id }, "Status"),
			emailsFilter,
		),
		submit("Refresh", { kind: "secondary", small: true }),
	);
	const emailsStatus = liveLine("emails-status");
	panel.append(
		filterForm,
		emailsStatus,
		dataTable({
			label: "Emails table",
			caption: "E-mails the shop sends, newest first (at most 100)",
			columns: ["Created", "Order", "E-mail", "Recipient", "Status", "Last error", "Action"],
			bodyId: "emails-body",
			className: "stacked-table",
		}),
	);
	const emailsBody = byId("emails-body");
	const emailsFailedCount = byId("emails-failed-count");
	const detailEmails = byId("detail-emails");
	const detailEmailsStatus = byId("detail-emails-status");

	/** Both lists show the same e-mail alike. */
	function showEmail(email) {
		const selector = `tr[data-email-id="${CSS.escape(email.id)}"]`;
		for (const row of emailsBody.querySelectorAll(selector))
			fillEmailRow(row, email, { withOrder: true });
		for (const row of detailEmails.querySelectorAll(selector))
			fillEmailRow(row, email, { withOrder: false });
	}

	const emailsRequests = latestRequest();

	async function loadEmails() {
		loaded.add("panel-emails");
		const request = emailsRequests.next();
		const status = emailsFilter.value;
		say(emailsStatus, "Loading e-mails…");
		try {
			const data = await admin(
				`/admin/emails${status ? `?${new URLSearchParams({ status })}` : ""}`,
				{ signal: request },
			);
			if (request.aborted) return;
			const emails = Array.isArray(data.emails) ? data.emails : [];
			replaceChildren(
				emailsBody,
				emails.map((e) => emailRow(e, { withOrder: true })),
			);
			say(
				emailsStatus,
				emails.length
					? `${plural(emails.length, `${status ? `${status} ` : ""}e-mail`)}${emails.length >= EMAILS_PAGE ? " (the newest)" : ""}.`
					: `No ${status ? `${status} ` : ""}e-mails.`,
			);
			refreshFailedCount();
		} catch (err) {
			if (request.aborted) return;
			loaded.delete("panel-emails");
			if (!isHandled(err)) say(emailsStatus, `Could not load e-mails: ${messageOf(err)}`);
		}
	}

	const orderEmailsRequests = latestRequest();

	/** The open order's e-mails, under its detail. */
	async function loadOrderEmails(orderId) {
		const request = orderEmailsRequests.next();
		if (detailEmails.dataset.orderId !== orderId) {
			replaceChildren(detailEmails);
			detailEmails.dataset.orderId = orderId;
		}
		say(detailEmailsStatus, "Loading e-mails…");
		try {
			const data = await admin(`/admin/emails?${new URLSearchParams({ orderId })}`, {
				signal: request,
			});
			if (request.aborted || currentOrderId() !== orderId) return;
			const emails = Array.isArray(data.emails) ? data.emails : [];
			replaceChildren(
				detailEmails,
				emails.length
					? emails.map((e) => emailRow(e, { withOrder: false }))
					: h("tr", {}, h("td", { colspan: 6 }, "No e-mails for this order.")),
			);
			say(detailEmailsStatus, "");
		} catch (err) {
			if (request.aborted || isHandled(err)) return;
			say(detailEmailsStatus, `Could not load this order's e-mails: ${messageOf(err)}`);
		}
	}

	const failedCountRequests = latestRequest();

	/** "Emails (2 failed)" on the tab. */
	async function refreshFailedCount() {
		// Signed out (a wrong token, say): asking again would only repeat the refusal.
		if (!signedIn()) return;
		const request = failedCountRequests.next();
		try {
			const data = await admin("/admin/emails?status=failed", { signal: request });
			if (request.aborted) return;
			const count = Array.isArray(data.emails) ? data.emails.length : 0;
			emailsFailedCount.textContent = count
				? ` (${count >= EMAILS_PAGE ? `${EMAILS_PAGE}+` : count} failed)`
				: "";
		} catch {
			// The tab works without its count; a refused token already went back to sign-in.
		}
	}

	const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

	/** A resent e-mail goes through the queue: its row follows it until it is sent or failed. */
	async function followResend(email, feedback) {
		if (!email.orderId) return;
		for (let i = 0; i < FOLLOW_UP_TRIES; i++) {
			await sleep(FOLLOW_UP_MS);
			if (!signedIn() || !feedback.isConnected) return;
			let now;
			try {
				const data = await admin(
					`/admin/emails?${new URLSearchParams({ orderId: email.orderId })}`,
				);
				now = (Array.isArray(data.emails) ? data.emails : []).find((e) => e.id === email.id);
			} catch {
				return;
			}
			if (!now) return;
			showEmail(now);
			if (now.status === "sent") say(feedback, "Sent again.");
			if (now.status === "failed")
				say(feedback, `Not sent: ${now.lastError ?? "the provider refused it"}.`);
			if (now.status !== "pending") {
				refreshFailedCount();
				onResent();
				return;
			}
		}
	}

	document.addEventListener("click", async (event) => {
		const button = event.target.closest("button[data-resend-email]");
		if (!button) return;
		const id = button.dataset.resendEmail;
		const feedback = button.closest("td").querySelector(".action-feedback");
		button.disabled = true;
		say(feedback, "Resending…");
		try {
			const email = await admin(`/admin/emails/${encodeURIComponent(id)}/resend`, {
				method: "POST",
			});
			showEmail(email);
			say(
				feedback,
				email.status === "pending" ? "Queued to send again." : `Resent: ${email.status}.`,
			);
			// The button is gone while the e-mail is on its way: keep the keyboard where it was.
			if (!button.isConnected && feedback.isConnected) {
				feedback.tabIndex = -1;
				feedback.focus();
			}
			refreshFailedCount();
			followResend(email, feedback);
		} catch (err) {
			if (!isHandled(err)) say(feedback, `Resend failed: ${messageOf(err)}`);
		} finally {
			button.disabled = false;
		}
	});

	// A corrected address: the worker writes a new e-mail, listed beside the first one.
	document.addEventListener("submit", async (event) => {
		const form = event.target.closest("form[data-resend-to]");
		if (!form) return;
		event.preventDefault();
		const input = form.elements.to;
		const feedback = form.closest("td").querySelector(".action-feedback");
		const to = input.value.trim();
		if (!input.checkValidity() || !to) {
			say(feedback, "Enter one e-mail address, like name@example.com.");
			input.focus();
			return;
		}
		const send = form.querySelector("button[type=submit]");
		send.disabled = true;
		say(feedback, `Sending to ${to}…`);
		try {
			const copy = await admin(
				`/admin/emails/${encodeURIComponent(form.dataset.resendTo)}/resend`,
				{ method: "POST", body: { to } },
			);
			const done = `Queued to ${copy.to}, as a new e-mail of this order.`;
			say(feedback, done);
			const inDialog = Boolean(form.closest("#order-detail"));
			// The lists are drawn again with the new e-mail; the answer stays in their status line.
			await Promise.all([
				copy.orderId && detailEmails.dataset.orderId === copy.orderId
					? loadOrderEmails(copy.orderId)
					: null,
				emailsBody.closest("[hidden]") ? null : loadEmails(),
			]);
			const line = inDialog ? detailEmailsStatus : emailsStatus;
			say(line, done);
			line.tabIndex = -1;
			line.focus();
		} catch (err) {
			if (!isHandled(err)) say(feedback, `Not sent: ${messageOf(err)}`);
		} finally {
			send.disabled = false;
		}
	});

	filterForm.addEventListener("submit", (event) => {
		event.preventDefault();
		loadEmails();
	});
	emailsFilter.addEventListener("change", loadEmails);

	return {
		load: loadEmails,
		/** The tab's list narrowed to the e-mails that could not be sent. */
		showFailed() {
			emailsFilter.value = "failed";
			loadEmails();
		},
		loadOrderEmails,
		refreshFailedCount,
		reset() {
			emailsRequests.next();
			orderEmailsRequests.next();
			replaceChildren(emailsBody);
			replaceChildren(detailEmails);
			delete detailEmails.dataset.orderId;
			emailsFailedCount.textContent = "";
			for (const el of [emailsStatus, detailEmailsStatus]) el.textContent = "";
		},
	};
}
