// Crash reports kept per test: called inside a describe, it swaps the crash logger for a
// collector before each test and restores the previous logger after it.
import { set_crash_logger } from '../../runtime';
import type { CrashLogger, CrashReport } from '../../runtime';

/** The reports logged during the current test (emptied before each one), printed nowhere. */
export function crash_reports_per_test(): CrashReport[] {
  const reports: CrashReport[] = [];
  let old: CrashLogger;
  beforeEach(() => {
    reports.length = 0;
    old = set_crash_logger((r) => reports.push(r));
  });
  afterEach(() => set_crash_logger(old));
  return reports;
}
