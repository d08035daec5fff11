// OTP 25's gen:format_status: a behaviour's status map passed through its callback module's
// format_status/1 (the map form) or, failing that, the legacy format_status/2 (test/otp/51).
// A JS object has one method per name: a format_status declared with one parameter is the
// map form, with two the legacy form (Opt, Args).

/** The status map of sys:get_status: gen_statem's keys are state, data, postponed, log, timeouts. */
export type StatusMap = Record<string, unknown>;

/** The map back, with '$status' (format_status/2's result) or 'EXIT' (what went wrong) added. */
export type FormattedStatus = StatusMap & { $status?: unknown; EXIT?: string };

type FormatStatus1 = (status: StatusMap) => unknown;
type FormatStatus2 = (opt: 'normal' | 'terminate', args: unknown[]) => unknown;

function is_map(v: unknown): v is StatusMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * gen:format_status(Mod, Opt, Status, Args). As OTP 25: the map form's result is merged into
 * Status and kept only if it has every key Status has (a part of the map is refused as "a map
 * with unknown keys", as OTP 25's size check does); a throw from format_status/2 is its result.
 */
export function format_status(
  mod: { readonly name?: string; format_status?: unknown }, opt: 'normal' | 'terminate', status: StatusMap, args: unknown[],
): FormattedStatus {
  const f = mod.format_status;
  if (typeof f !== 'function') return status;
  const m = mod.name ?? 'undefined';
  if (f.length < 2) {
    let r: unknown;
    try {
      r = (f as FormatStatus1).call(mod, { ...status });
    } catch {
      return { ...status, EXIT: `${m}:format_status/1 crashed` };
    }
    if (!is_map(r)) return { ...status, EXIT: `${m}:format_status/1 did not return a map` };
    const merged = { ...status, ...r };
    if (Object.keys(merged).length !== Object.keys(r).length) {
      return { ...status, EXIT: `${m}:format_status/1 returned a map with unknown keys` };
    }
    return merged;
  }
  try {
    return { ...status, $status: (f as FormatStatus2).call(mod, opt, args) };
  } catch (e) {
    if (!(e instanceof Error)) return { ...status, $status: e };
    return { ...status, EXIT: `${m}:format_status/2 crashed` };
  }
}
