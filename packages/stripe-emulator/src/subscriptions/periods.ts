import type { RecurringRecord } from "../state/store.ts";

const DAY = 24 * 60 * 60;

/**
 * The start of period `index` of a subscription anchored at `anchor` (Unix seconds): the
 * anchor plus `index` intervals, in UTC. Months keep the anchor's day of the month, or the
 * month's last day when it is shorter (31 January, 28 February, 31 March), as Stripe bills.
 */
export function periodBoundary(anchor: number, recurring: RecurringRecord, index: number): number {
	const steps = index * recurring.intervalCount;
	if (recurring.interval === "day") return anchor + steps * DAY;
	if (recurring.interval === "week") return anchor + steps * 7 * DAY;
	const date = new Date(anchor * 1000);
	const months = recurring.interval === "year" ? steps * 12 : steps;
	const monthIndex = date.getUTCMonth() + months;
	const year = date.getUTCFullYear() + Math.floor(monthIndex / 12);
	const month = ((monthIndex % 12) + 12) % 12;
	const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
	const day = Math.min(date.getUTCDate(), lastDay);
	const time = date.getUTCHours() * 3600 + date.getUTCMinutes() * 60 + date.getUTCSeconds();
	return Date.UTC(year, month, day) / 1000 + time;
}

/** Seconds in `days` days. */
export function days(count: number): number {
	return count * DAY;
}
