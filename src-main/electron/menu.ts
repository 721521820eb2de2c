/**
 * The application menu, following each platform's conventions: on macOS the
 * app menu first and Window before Help; elsewhere File, Edit, View, Window,
 * Help. Lock (Ctrl/Cmd+L) locks on the main side at once, then tells the
 * page; the other commands ask the page to open a screen.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/menu';

export interface MenuActions {
  lock(): void;
  send(command: MenuCommand): void;
}

export function menuTemplate(
  platform: NodeJS.Platform,
  isPackaged: boolean,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: mac ? 'File' : '&File',
    submenu: [
      { id: 'issue', label: 'Issue a Certificate…', accelerator: 'CmdOrCtrl+N', click: () => actions.send('issue') },
      { id: 'lock', label: 'Lock', accelerator: 'CmdOrCtrl+L', click: () => actions.lock() },
      { type: 'separator' },
      { id: 'backup', label: 'Back Up the Store…', click: () => actions.send('backup') },
      { id: 'restore', label: 'Restore from a Backup…', click: () => actions.send('restore') },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: mac ? 'View' : '&View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      // Devtools exist only in development builds (window.ts); no menu item offers them otherwise.
      ...(isPackaged ? [] : [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const]),
    ],
  };
  // No links: the app opens nothing outside itself.
  const help: MenuItemConstructorOptions = { role: 'help', submenu: [{ role: 'about' }] };
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    help,
  ];
}
