/** Vite's `?raw` imports: a file's text, as the docs checks read it. */
declare module "*?raw" {
  const text: string;
  export default text;
}
