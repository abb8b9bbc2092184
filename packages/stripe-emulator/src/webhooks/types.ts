/** How events reach receivers; see README "Webhook delivery". */
export type WebhookMode = "normal" | "drop" | "duplicate" | "reverse" | "hold";

export const WEBHOOK_MODES: readonly WebhookMode[] = [
	"normal",
	"drop",
	"duplicate",
	"reverse",
	"hold",
];

export type WebhookConfig = {
	/** The `--forward-to` target; null keeps events queued only. */
	url: string | null;
	secret: string;
	mode: WebhookMode;
	/** Wait before each delivery attempt. */
	delayMs: number;
	/** Event types forwarded to `url` (like `stripe listen --events`); null forwards every type. */
	events: readonly string[] | null;
};

/** One receiver of an event: the forward target or a registered webhook endpoint. */
export type WebhookTarget = { url: string; secret: string; endpointId: string | null };

export type DeliveryLogEntry = {
	eventId: string;
	eventType: string;
	url: string;
	endpointId: string | null;
	attempt: number;
	status: number | null;
	ok: boolean;
	error: string | null;
	/** `dropped` (drop mode), `held` (waiting for a flush), `manual` (redelivered on request). */
	note: "dropped" | "held" | "manual" | null;
	durationMs: number;
	at: string;
};
