/** Vite's `?raw` imports (see script-template.ts): the file's text. */
declare module '*?raw' {
  const text: string;
  export default text;
}
