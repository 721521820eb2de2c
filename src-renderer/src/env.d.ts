/// <reference types="vite/client" />
import type { RootkeeperApi } from '../../shared/window-api';

declare global {
  interface Window {
    /** Installed by the preload (or the browser test harness); absent in a plain browser. */
    readonly rootkeeper?: RootkeeperApi;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
