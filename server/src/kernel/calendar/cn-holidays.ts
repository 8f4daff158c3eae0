/**
 * Built-in official data for mainland China, 2020–2026: one file per year in ./years/, each copied
 * date by date from the State Council General Office notice(s) it cites in `source`.
 *
 * Each new notice (usually published October–December for the following year) is added either as a
 * new file here or by an administrator through `PUT /api/calendar/years/{year}` (see docs/calendar.md).
 */
import type { CalendarYear } from './types.ts';
import { YEAR_2020 } from './years/2020.ts';
import { YEAR_2021 } from './years/2021.ts';
import { YEAR_2022 } from './years/2022.ts';
import { YEAR_2023 } from './years/2023.ts';
import { YEAR_2024 } from './years/2024.ts';
import { YEAR_2025 } from './years/2025.ts';
import { YEAR_2026 } from './years/2026.ts';

export type { CalendarYear, CalendarDayEntry, CalendarSource } from './types.ts';

// Frozen so no caller can silently alter the legal basis of every deadline at run time.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export const BUILT_IN_YEARS: CalendarYear[] = deepFreeze([
  YEAR_2020,
  YEAR_2021,
  YEAR_2022,
  YEAR_2023,
  YEAR_2024,
  YEAR_2025,
  YEAR_2026,
]);
