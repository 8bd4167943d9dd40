// The sections of a Markdown file that a generator writes: npm run docs, and npm run bench -- --record.

/** Replaces what lies between `<!-- generated: NAME ... -->` and `<!-- end generated: NAME -->`, markers kept. */
export function replaceGenerated(text: string, name: string, generated: string): string {
  const begin = new RegExp(`^<!-- generated: ${name} .*-->$`, 'm').exec(text);
  const end = text.indexOf(`<!-- end generated: ${name} -->`);
  if (!begin || end < begin.index) throw new Error(`The markers of the generated ${name} are missing.`);
  const afterBegin = begin.index + begin[0].length;
  return `${text.slice(0, afterBegin)}\n\n${generated}\n\n${text.slice(end)}`;
}
