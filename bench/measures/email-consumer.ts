/**
 * The e-mail queue consumer's CPU per e-mail, apart from the webhook that owes
 * the e-mail (in production the consumer is an invocation of its own). The
 * same signed events go, in the same rounds, to the measures' server (no
 * consumer: the request alone) and to a server whose consumer sends each
 * confirmation to the local mailbox (Resend's API); that server's CPU is read
 * once its outbox has no pending e-mail left. The difference, divided by the
 * e-mails sent, is the consumer's share.
 */
import type { DatabaseSync } from "node:sqlite";
import { localD1File, openSqlite } from "../../scripts/stack.ts";
import { type LoadRun, runLoad } from "../lib/load.ts";
import { cpuMs, type DevServer } from "../lib/proc.ts";
import type { BenchOrder } from "../lib/stripe-events.ts";
import { eventRequest } from "./webhook.ts";

export type ConsumerPlan = { connections: number; rounds: number; requests: number };

export type ConsumerResult = {
	connections: number;
	/** Webhook CPU per request on the server without a consumer (ms). */
	webhookAloneMs: number;
	/** CPU per request on the server with the consumer, counted until its outbox is empty (ms). */
	withConsumerMs: number;
	/** (with − alone) per e-mail sent (ms). */
	perEmailMs: number;
	emailsSent: number;
	/** How long the consumer took to empty the outbox after the last event of a round (s, median). */
	drainSeconds: number[];
};

/** Orders the plan consumes: each round pays `requests` orders on each server. */
export const consumerOrdersNeeded = (plan: ConsumerPlan) => 2 * plan.rounds * plan.requests;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function count(db: DatabaseSync, status: string): number {
	const row = db.prepare("select count(*) as n from emails where status = ?").get(status) as {
		n: number;
	};
	return row.n;
}

export async function measureConsumer(options: {
	plan: ConsumerPlan;
	alone: DevServer;
	mailer: DevServer;
	mailerState: string;
	secret: string;
	orders: BenchOrder[];
	log: (line: string) => void;
}): Promise<ConsumerResult> {
	const { plan, alone, mailer, secret } = options;
	const db = await openSqlite(localD1File(options.mailerState), { readOnly: true });
	let cursor = 0;
	const take = () => {
		const slice = options.orders.slice(cursor, cursor + plan.requests);
		cursor += plan.requests;
		if (slice.length < plan.requests) throw new Error("not enough pending orders were prepared");
		return slice;
	};
	const webhook = (server: DevServer, orders: BenchOrder[]): Promise<LoadRun> =>
		runLoad({
			label: "POST /webhook",
			url: server.url,
			connections: plan.connections,
			requests: orders.length,
			maxSeconds: 60,
			request: eventRequest(orders, secret, { count: 0 }),
			cpuOf: () => ({ worker: server.pids().worker }),
		});
	let aloneMs = 0;
	let aloneRequests = 0;
	let withMs = 0;
	let withRequests = 0;
	let sent = 0;
	const drainSeconds: number[] = [];
	try {
		for (let round = 0; round < plan.rounds; round++) {
			const a = await webhook(alone, take());
			aloneMs += a.cpuMs.worker ?? Number.NaN;
			aloneRequests += a.completed;

			const sentBefore = count(db, "sent");
			const pid = mailer.pids().worker;
			const before = cpuMs(pid);
			const b = await webhook(mailer, take());
			const loadEnd = Date.now();
			// Until the consumer has sent (or given up on) every e-mail the round owed.
			for (let i = 0; i < 600 && count(db, "pending") > 0; i++) await sleep(100);
			drainSeconds.push((Date.now() - loadEnd) / 1000);
			withMs += cpuMs(pid) - before;
			withRequests += b.completed;
			sent += count(db, "sent") - sentBefore;
			options.log(
				`  round ${round + 1}/${plan.rounds}: ${a.completed} events without the consumer, ${b.completed} with it; ${count(db, "pending")} e-mails still pending`,
			);
		}
	} finally {
		db.close();
	}
	const webhookAloneMs = aloneMs / aloneRequests;
	const withConsumerMs = withMs / withRequests;
	return {
		connections: plan.connections,
		webhookAloneMs,
		withConsumerMs,
		perEmailMs: sent > 0 ? (withMs - webhookAloneMs * withRequests) / sent : Number.NaN,
		emailsSent: sent,
		drainSeconds,
	};
}
