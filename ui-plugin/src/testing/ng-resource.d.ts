// Angular CLI's webpack loads `file?ngResource` as the file's text; specs use it to read templates.
declare module '*?ngResource' {
  const source: string;
  export default source;
}
