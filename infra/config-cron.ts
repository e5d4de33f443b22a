import { CronExpressionParser } from "cron-parser";
import { z } from "zod";

// `benchmark.schedule` becomes a Kubernetes CronJob's `spec.schedule`, so it must be what the API
// server accepts, checked here before any resource exists. Kubernetes validates it with
// robfig/cron v3's ParseStandard (kubernetes/kubernetes pkg/apis/batch/validation/validation.go,
// validateScheduleFormat) and refuses TZ=/CRON_TZ= in it. ParseStandard (robfig/cron parser.go and
// spec.go at bc59245) takes exactly five fields — minute 0-59, hour 0-23, day of month 1-31,
// month 1-12 or JAN-DEC, day of week 0-6 or SUN-SAT — built from `*`, `?`, lists, ranges and
// steps, or a descriptor. We accept the descriptors the Kubernetes CronJob docs list (below; they
// leave out `@every`). cron-parser then checks ranges and names and refuses dates that never
// occur; it also takes extensions Kubernetes does not (a seconds field, L, #, H, day of week 7),
// which the field grammar below refuses first.

export const cronMacros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"] as const;

const FIELDS = ["minute", "hour", "day of month", "month", "day of week"] as const;
// One list item: `*`, `?`, a number or a three-letter name, optionally a range, optionally a step.
const ITEM = /^(\*|\?|\d+|[a-z]{3})(-(\d+|[a-z]{3}))?(\/\d+)?$/i;
const EXAMPLE =
  'use five fields "minute hour day-of-month month day-of-week" such as "0 3 * * *" (03:00 daily), or @hourly/@daily/@weekly/@monthly/@yearly';

/** What Kubernetes would refuse in a CronJob schedule, or undefined when it is valid. */
export function cronScheduleProblem(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.includes("TZ")) return `'${schedule}': Kubernetes refuses TZ= and CRON_TZ= in a CronJob schedule; ${EXAMPLE}`;
  if (s.startsWith("@"))
    return (cronMacros as readonly string[]).includes(s)
      ? undefined
      : `'${schedule}' is not a schedule macro Kubernetes takes (${cronMacros.join(", ")})`;
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `'${schedule}' has ${fields.length} field(s); ${EXAMPLE}`;
  for (const [i, field] of fields.entries()) {
    const bad = field.split(",").find((item) => !ITEM.test(item));
    if (bad !== undefined)
      return `'${schedule}': '${bad}' in the ${FIELDS[i]} field is not cron syntax Kubernetes takes (numbers, names, *, ?, a-b, */n, lists); ${EXAMPLE}`;
  }
  try {
    CronExpressionParser.parse(s);
  } catch (e) {
    return `'${schedule}': ${(e as Error).message}; ${EXAMPLE}`;
  }
  // cron-parser takes 7 for Sunday; robfig/cron (so Kubernetes) stops at 6.
  const dayOfWeekValues = fields[4].split(",").flatMap((item) => item.split("/")[0].split("-"));
  if (dayOfWeekValues.some((n) => /^\d+$/.test(n) && Number(n) > 6))
    return `'${schedule}': day of week runs 0-6 (Sunday is 0, not 7) in Kubernetes CronJobs`;
  return undefined;
}

export const cronSchedule = z.string().superRefine((v, ctx) => {
  const problem = cronScheduleProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
