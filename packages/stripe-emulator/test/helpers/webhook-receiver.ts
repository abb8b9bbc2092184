import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedWebhook = {
	headers: IncomingHttpHeaders;
	body: string;
	eventId: string;
	type: string;
};

/** A local webhook endpoint that records what it gets and answers scripted statuses. */
export type WebhookReceiver = {
	url: string;
	received: ReceivedWebhook[];
	/** Statuses for the next requests, in order; 200 once exhausted. */
	respondWith: (...statuses: number[]) => void;
	/** Waits until at least `count` requests arrived. */
	waitFor: (count: number, timeoutMs?: number) => Promise<ReceivedWebhook[]>;
	clear: () => void;
	close: () => Promise<void>;
};

/** Starts a receiver on a random port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
	const received: ReceivedWebhook[] = [];
	let statuses: number[] = [];
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on("data", (chunk: Buffer) => chunks.push(chunk));
		request.on("end", () => {
			const body = Buffer.concat(chunks).toString("utf8");
			const parsed = JSON.parse(body) as { id: string; type: string };
			received.push({ headers: request.headers, body, eventId: parsed.id, type: parsed.type });
			response.writeHead(statuses.shift() ?? 200, { "content-type": "application/json" });
			response.end('{"received":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook`,
		received,
		respondWith: (...next) => {
			statuses = next;
		},
		waitFor: async (count, timeoutMs = 5000) => {
			const deadline = Date.now() + timeoutMs;
			while (received.length < count) {
				if (Date.now() > deadline) {
					throw new Error(`Expected ${count} webhooks, got ${received.length}`);
				}
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			return [...received];
		},
		clear: () => {
			received.length = 0;
			statuses = [];
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
