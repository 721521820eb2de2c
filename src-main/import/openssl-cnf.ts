/**
 * Just enough of OpenSSL's configuration syntax to find a CA's files:
 * [ sections ], name = value, # comments, and $var / ${var} / $section::var
 * expansion (the guide writes every path as $dir/…).
 */
export type OpensslConfig = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function parseOpensslConfig(text: string): OpensslConfig {
  const sections = new Map<string, Map<string, string>>([['default', new Map()]]);
  let current = sections.get('default')!;
  let currentName = 'default';
  for (const raw of text.split('\n')) {
    const line = stripComment(raw).trim();
    if (line === '') continue;
    const section = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (section) {
      currentName = section[1]!;
      current = sections.get(currentName) ?? new Map();
      sections.set(currentName, current);
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!pair) continue;
    current.set(pair[1]!, expand(pair[2]!, sections, currentName));
  }
  return sections;
}

function stripComment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}

function expand(value: string, sections: Map<string, Map<string, string>>, section: string): string {
  return value
    .replace(/\$(?:\{([^}]+)\}|([A-Za-z0-9_]+(?:::[A-Za-z0-9_]+)?))/g, (whole, braced?: string, bare?: string) => {
      const name = (braced ?? bare)!;
      const [from, key] = name.includes('::') ? name.split('::') : [section, name];
      return sections.get(from!)?.get(key!) ?? sections.get('default')?.get(key!) ?? whole;
    })
    .replace(/^"(.*)"$/, '$1');
}

/** The CA section `openssl ca` uses: [ ca ] default_ca names it. */
export function defaultCaSection(config: OpensslConfig): ReadonlyMap<string, string> | null {
  const name = config.get('ca')?.get('default_ca');
  return name ? (config.get(name) ?? null) : null;
}
