/**
 * Plain-text layout for the README: paragraphs wrapped to the width a
 * terminal or Notepad shows without scrolling, and commands broken with the
 * shell's own line continuation so that they still paste as one command.
 */

export const WIDTH = 100;

/**
 * Greedy word wrap. The first line starts with `first` (a label such as
 * "Subject:     "), the others with `indent` (a list item's hanging indent).
 */
export function wrap(text: string, indent = '', first = indent): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/[ \t\n]+/).filter((part) => part !== '')) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line = empty ? line + word : `${line} ${word}`;
    }
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines.map((wrapped) => wrapped.replace(/\u00a0/g, ' '));
}

/** Words that must stay on one line (a label to look for on screen): wrap() does not break inside. */
export function together(text: string): string {
  return text.replace(/ /g, '\u00a0');
}

/** How each shell continues a command on the next line. */
export type Shell = 'sh' | 'cmd' | 'powershell';
const CONTINUATION: Readonly<Record<Shell, string>> = { sh: ' \\', cmd: ' ^', powershell: ' `' };

/**
 * One command, indented by four spaces, on one line when it fits, else
 * split between arguments; each argument is already quoted for the shell.
 */
export function command(args: readonly string[], shell: Shell = 'sh'): string[] {
  const continuation = CONTINUATION[shell];
  const lines: string[] = [];
  let line = '    ';
  for (const arg of args) {
    const fresh = line.trim() === '';
    if (!fresh && line.length + 1 + arg.length + continuation.length > WIDTH) {
      lines.push(line + continuation);
      line = `        ${arg}`;
    } else {
      line = fresh ? line + arg : `${line} ${arg}`;
    }
  }
  lines.push(line);
  return lines;
}

/** A section title underlined to its own length. */
export function heading(title: string): string[] {
  return ['', title, '-'.repeat(Math.min(title.length, WIDTH))];
}
