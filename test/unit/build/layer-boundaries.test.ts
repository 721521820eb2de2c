/**
 * The architecture's import rules are enforced by ESLint (eslint.config.js).
 * These tests prove the rules bite: each forbidden import below must be reported.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries', () => {
  it('keep Electron out of domain code', async () => {
    expect(await importErrors('src-main/operations/x.ts', "import { app } from 'electron';\nvoid app;\n")).toHaveLength(
      1,
    );
    expect(await importErrors('src-main/electron/x.ts', "import { app } from 'electron';\nvoid app;\n")).toEqual([]);
  });

  it('keep Node, Electron and main-side code out of the renderer', async () => {
    for (const source of ["'node:fs'", "'fs'", "'electron'", "'../../src-main/host'"]) {
      const code = `import * as m from ${source};\nvoid m;\n`;
      expect(await importErrors('src-renderer/src/x.ts', code), source).toHaveLength(1);
    }
    expect(
      await importErrors('src-renderer/src/x.ts', "import * as m from '../../shared/contract';\nvoid m;\n"),
    ).toEqual([]);
  });

  it('keep shared/ free of Node, Electron, Vue and either side', async () => {
    for (const source of ["'node:path'", "'electron'", "'vue'", "'../src-main/host'", "'../src-renderer/src/api'"]) {
      const code = `import * as m from ${source};\nvoid m;\n`;
      expect(await importErrors('shared/x.ts', code), source).toHaveLength(1);
    }
  });

  it('forbid v-html in Vue templates', async () => {
    const [result] = await eslint.lintText('<template><div v-html="x"></div></template>\n', {
      filePath: 'src-renderer/src/X.vue',
    });
    expect(result?.messages.map((m) => m.ruleId)).toContain('vue/no-v-html');
  });
});
