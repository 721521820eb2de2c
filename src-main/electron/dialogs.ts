/**
 * The native dialogs, opened by the main process on the officer's request:
 * the renderer names only a purpose, and gets back a handle, never a path
 * it chose itself.
 */
import type { BrowserWindow, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { ChoicePurpose } from '../../shared/domain/operations';
import type { Dialogs } from '../host';
import type { ElectronModule } from './electron-module';

type Choice = { kind: 'open'; options: OpenDialogOptions } | { kind: 'save'; options: SaveDialogOptions };

export function dialogFor(purpose: ChoicePurpose, today = new Date()): Choice {
  switch (purpose) {
    case 'store-folder':
      return {
        kind: 'open',
        options: {
          title: 'Choose the folder for the Rootkeeper store',
          buttonLabel: 'Use this folder',
          properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
        },
      };
    case 'export-folder':
      return {
        kind: 'open',
        options: {
          title: 'Choose where to write the export',
          buttonLabel: 'Write here',
          properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
        },
      };
    case 'import-source':
      return {
        kind: 'open',
        options: {
          title: 'Choose the folder of the CA to import (OpenSSL, easy-rsa, or exported files)',
          buttonLabel: 'Read this folder',
          properties: ['openDirectory', 'dontAddToRecent'],
        },
      };
    case 'backup-save':
      return {
        kind: 'save',
        options: {
          title: 'Save an encrypted backup of the store',
          defaultPath: `rootkeeper-${today.toISOString().slice(0, 10)}.backup`,
          filters: [{ name: 'Rootkeeper backup', extensions: ['backup'] }],
          properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
        },
      };
    case 'backup-open':
      return {
        kind: 'open',
        options: {
          title: 'Choose a Rootkeeper backup to restore',
          filters: [{ name: 'Rootkeeper backup', extensions: ['backup'] }],
          properties: ['openFile', 'dontAddToRecent'],
        },
      };
    case 'pkcs11-module':
      return {
        kind: 'open',
        options: {
          title: "Choose the token's PKCS#11 module (opensc-pkcs11, libykcs11, libsofthsm2, …)",
          buttonLabel: 'Use this module',
          filters: [{ name: 'PKCS#11 module', extensions: ['so', 'dylib', 'dll'] }],
          properties: ['openFile', 'dontAddToRecent'],
        },
      };
  }
}

/** Dialogs attached to the main window, so they are modal to it. */
export function nativeDialogs(electron: Pick<ElectronModule, 'dialog'>, window: () => BrowserWindow | null): Dialogs {
  return {
    async choose(purpose) {
      const choice = dialogFor(purpose);
      const parent = window();
      if (choice.kind === 'save') {
        const result = parent
          ? await electron.dialog.showSaveDialog(parent, choice.options)
          : await electron.dialog.showSaveDialog(choice.options);
        return result.canceled || !result.filePath ? null : result.filePath;
      }
      const result = parent
        ? await electron.dialog.showOpenDialog(parent, choice.options)
        : await electron.dialog.showOpenDialog(choice.options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
