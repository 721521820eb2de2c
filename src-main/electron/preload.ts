/**
 * Runs in the sandboxed renderer before the page. It exposes one typed
 * function per contract operation and nothing else: no ipcRenderer, no
 * generic channel, no event objects.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { contract } from '../../shared/contract';
import { WINDOW_API_KEY, buildWindowApi } from '../../shared/window-api';

const api = buildWindowApi((operation, request) => ipcRenderer.invoke(contract[operation].channel, request));

contextBridge.exposeInMainWorld(WINDOW_API_KEY, api);
