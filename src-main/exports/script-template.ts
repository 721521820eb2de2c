/**
 * The trust kit's install and uninstall scripts and the server bundle's
 * helper live as real script files in scripts/ folders beside the modules
 * that use them (so shellcheck and a reader see them as scripts), with a few
 * named placeholders, {{NAME}}, that this fills in. Vite's `?raw` import
 * inlines each file into the main bundle, so the built app and CLI carry
 * them without reading anything from disk.
 */

export type TemplateValues = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{\{([A-Z0-9_]+)\}\}/g;

/**
 * Replaces every {{KEY}}; a line `# {{KEY}}` takes whole lines; `'{{KEY}}'` (a sh
 * single-quoted word), which `quote` turns into a safely quoted word. A
 * placeholder without a value, or a value nobody asked for, is a bug in the
 * caller, not something to ship in a kit.
 */
export function fillTemplate(template: string, values: TemplateValues, quote?: (text: string) => string): string {
  const used = new Set<string>();
  const lookup = (key: string): string => {
    const value = values[key];
    if (value === undefined) throw new Error(`script template placeholder {{${key}}} has no value`);
    used.add(key);
    return value;
  };
  // A placeholder alone on a comment line stands for whole lines (an included fragment).
  let text = template.replace(/^# \{\{([A-Z0-9_]+)\}\}$/gm, (_match, key: string) => lookup(key));
  if (quote) text = text.replace(/'\{\{([A-Z0-9_]+)\}\}'/g, (_match, key: string) => quote(lookup(key)));
  text = text.replace(PLACEHOLDER, (_match, key: string) => lookup(key));
  const unused = Object.keys(values).filter((key) => !used.has(key));
  if (unused.length > 0) throw new Error(`script template has no placeholder for ${unused.join(', ')}`);
  return text;
}

/** A fragment included into scripts: its opening comment (which names the placeholder) dropped. */
export function fragment(text: string): string {
  return text.replace(/^(#[^\n]*\n)+\n/, '').replace(/\n+$/, '');
}

/** cmd.exe mis-parses labels and blocks in LF-only batch files; PowerShell takes either. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
