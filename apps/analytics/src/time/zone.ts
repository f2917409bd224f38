import { ValidationError } from '@bizosaas/ddd-kernel';
import { IANAZone } from 'luxon';

// Area/Location names (Etc/GMT+5 included) and UTC. Bare legacy names are refused on purpose:
// PostgreSQL reads a bare name as a time zone abbreviation first, so 'CET' there is a fixed +01:00
// while the IANA zone CET has summer time, and '+05:00' there is POSIX (five hours west of UTC).
const AREA_LOCATION = /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/;

export const zoneMessage = 'must be an IANA time zone name such as Europe/London or UTC';

/** An IANA zone name that luxon and PostgreSQL both read the same way. */
export function isValidZone(zone: string): boolean {
  return (zone === 'UTC' || AREA_LOCATION.test(zone)) && IANAZone.isValidZone(zone);
}

/** The zone named by a client; an unknown or ambiguous name is a VALIDATION_ERROR on `timezone`. */
export function ianaZone(zone: string): IANAZone {
  if (!isValidZone(zone))
    throw new ValidationError(`Unknown time zone: ${JSON.stringify(zone)}`, [
      { path: 'timezone', message: zoneMessage },
    ]);
  return IANAZone.create(zone);
}
