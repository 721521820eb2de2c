/** Vite's `?raw` imports (see ../template.ts): the file's text. */
declare module '*?raw' {
  const text: string;
  export default text;
}
