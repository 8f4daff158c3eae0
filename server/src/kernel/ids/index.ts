export {
  parseDivisionCode,
  PROVINCE_PREFIXES,
  type DivisionLevel,
  type DivisionCodeError,
  type DivisionCodeResult,
} from './division-code.ts';
export { checkUscc, usccCheckCharacter, makeUscc, type UsccError, type UsccParts, type UsccResult } from './uscc.ts';
export {
  checkCitizenId,
  citizenIdCheckCharacter,
  maskCitizenId,
  type CitizenIdError,
  type CitizenIdResult,
} from './citizen-id.ts';
