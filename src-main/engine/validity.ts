/**
 * Validity windows. notBefore is set a few minutes back so a client whose
 * clock runs slightly behind accepts a certificate the moment it is issued.
 * Days are counted as the BR counts them: the window is inclusive, so a
 * 397-day certificate ends one second before 397 × 86 400 s have passed.
 */
import { rejected } from '../../shared/errors';

export const CLOCK_SKEW_SECONDS = 5 * 60;
const DAY_SECONDS = 86_400;

export interface ValidityWindow {
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** True when the issuer's own expiry cut the window short. */
  readonly capped: boolean;
}

/** Whole seconds only: RFC 5280 forbids fractional seconds in certificate times. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export function checkDays(days: number, max: number, what: string): void {
  if (!Number.isInteger(days) || days < 1 || days > max) {
    throw rejected(
      'invalid-option',
      `The validity of ${what} must be a whole number of days from 1 to ${max}; ${days} was given.`,
    );
  }
}

export function validityWindow(days: number, now: Date, issuerNotAfter?: Date): ValidityWindow {
  const notBefore = wholeSeconds(new Date(now.getTime() - CLOCK_SKEW_SECONDS * 1000));
  const requested = new Date(notBefore.getTime() + (days * DAY_SECONDS - 1) * 1000);
  if (issuerNotAfter && requested > issuerNotAfter) {
    return { notBefore, notAfter: wholeSeconds(issuerNotAfter), capped: true };
  }
  return { notBefore, notAfter: requested, capped: false };
}

/** The window's length in days as the BR counts them (any part of a day counts as a day). */
export function validityDays(notBefore: Date, notAfter: Date): number {
  return Math.ceil((notAfter.getTime() - notBefore.getTime() + 1000) / (DAY_SECONDS * 1000));
}
