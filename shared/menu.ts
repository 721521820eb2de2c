/**
 * The one message the main side sends the renderer unasked: a command from
 * the application menu. Everything else is the renderer asking (contract.ts).
 */
export const MENU_CHANNEL = 'rootkeeper:menu-command';

export const MENU_COMMANDS = [
  /** The main side has already locked the session; the page shows the lock screen. */
  'locked',
  'issue',
  'backup',
  'restore',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export function isMenuCommand(value: unknown): value is MenuCommand {
  return typeof value === 'string' && (MENU_COMMANDS as readonly string[]).includes(value);
}
