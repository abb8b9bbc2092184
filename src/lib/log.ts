import { DrizzleQueryError } from "drizzle-orm";

type Level = "debug" | "info" | "warn" | "error";
type Fields = Record<string, unknown>;

export type Logger = {
	[L in Level]: (message: string, fields?: Fields) => void;
} & { child(fields: Fields): Logger };

/**
 * Structured JSON logs, one object per line, with the request id on every line.
 * Callers pass ids and codes, never secrets, card data or whole Stripe objects.
 */
export function createLogger(base: Fields = {}): Logger {
	const write = (level: Level, message: string, fields?: Fields) => {
		const line = JSON.stringify({ level, message, ...base, ...fields });
		if (level === "error") console.error(line);
		else if (level === "warn") console.warn(line);
		else console.log(line);
	};
	return {
		debug: (m, f) => write("debug", m, f),
		info: (m, f) => write("info", m, f),
		warn: (m, f) => write("warn", m, f),
		error: (m, f) => write("error", m, f),
		child: (fields) => createLogger({ ...base, ...fields }),
	};
}

/**
 * What may be said of an error: drizzle's query errors quote the SQL and its
 * bound parameters (checkout URLs, emails, ids), so only the database's own
 * message (its kind: "D1_ERROR: …") is kept, never the statement.
 */
export function errorMessage(err: unknown): string {
	if (err instanceof DrizzleQueryError) {
		const cause = err.cause;
		return cause instanceof Error ? errorMessage(cause) : "database query failed";
	}
	return err instanceof Error ? err.message : String(err);
}

/** The parts of an error worth logging: no stack traces of secrets, no request bodies, no SQL parameters. */
export function describeError(err: unknown): Fields {
	if (err instanceof DrizzleQueryError)
		return { ...describeError(err.cause ?? {}), error: errorMessage(err) };
	if (err instanceof Error) {
		const e = err as Error & { code?: unknown; type?: unknown; statusCode?: unknown };
		return {
			error: e.message,
			errorName: e.name,
			errorCode: e.code,
			errorType: e.type,
			errorStatus: e.statusCode,
		};
	}
	return { error: String(err) };
}
