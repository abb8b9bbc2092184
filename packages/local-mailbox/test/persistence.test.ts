import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mailboxClient } from "../src/client.ts";
import { send, shopEmail, startTestMailbox } from "./helpers.ts";

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("statePath", () => {
	it("keeps messages and idempotency keys across a restart", async () => {
		const dir = mkdtempSync(join(tmpdir(), "mailbox-"));
		dirs.push(dir);
		const statePath = join(dir, "nested/local-mailbox.json");
		const first = await startTestMailbox({ statePath });
		const sent = await send(first, shopEmail({ to: ["kept@example.com"] }), {
			"idempotency-key": "email_kept",
		});
		await first.close();

		const second = await startTestMailbox({ statePath });
		try {
			const client = mailboxClient(second.url);
			expect((await client.messages()).map((m) => m.id)).toEqual([sent.body.id]);
			const again = await send(second, shopEmail({ to: ["kept@example.com"] }), {
				"idempotency-key": "email_kept",
			});
			expect(again.body.id).toBe(sent.body.id);
			expect(await client.messages()).toHaveLength(1);
		} finally {
			await second.close();
		}
	});
});
