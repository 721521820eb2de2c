import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../../../src-main/electron/menu';

const labels = (template: MenuItemConstructorOptions[]) => template.map((menu) => menu.label ?? menu.role);
const submenu = (menu: MenuItemConstructorOptions) => (Array.isArray(menu.submenu) ? menu.submenu : []);

describe('the application menu', () => {
  const actions = { lock: vi.fn(), send: vi.fn() };

  it('follows Windows and Linux conventions: File, Edit, View, Window, Help, with Quit under File', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const template = menuTemplate(platform, true, actions);
      expect(labels(template)).toEqual(['&File', 'editMenu', '&View', 'windowMenu', 'help']);
      expect(submenu(template[0]!).at(-1)).toEqual({ role: 'quit' });
    }
  });

  it('puts the app menu first on macOS, which holds Quit itself', () => {
    const template = menuTemplate('darwin', true, actions);
    expect(labels(template)).toEqual(['appMenu', 'File', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(submenu(template[1]!).some((item) => item.role === 'quit')).toBe(false);
  });

  it('has shortcuts for Lock and Issue, and menu items for backup and restore', () => {
    const file = submenu(menuTemplate('linux', true, actions)[0]!);
    const byLabel = (label: string) => file.find((item) => item.label === label)!;
    expect(byLabel('Lock').accelerator).toBe('CmdOrCtrl+L');
    expect(byLabel('Issue a Certificate…').accelerator).toBe('CmdOrCtrl+N');
    byLabel('Lock').click!(undefined as never, undefined as never, undefined as never);
    expect(actions.lock).toHaveBeenCalledOnce();
    for (const [label, command] of [
      ['Back Up the Store…', 'backup'],
      ['Restore from a Backup…', 'restore'],
    ] as const) {
      byLabel(label).click!(undefined as never, undefined as never, undefined as never);
      expect(actions.send).toHaveBeenLastCalledWith(command);
    }
  });

  it('offers devtools only in development builds, and no links anywhere', () => {
    const items = (packaged: boolean) => menuTemplate('linux', packaged, actions).flatMap(submenu);
    expect(items(true).some((item) => item.role === 'toggleDevTools')).toBe(false);
    expect(items(false).some((item) => item.role === 'toggleDevTools')).toBe(true);
    expect(JSON.stringify(menuTemplate('darwin', false, actions))).not.toMatch(/https?:/);
  });
});
