/**
 * A sandboxed copy of this machine's system folders for running the kit's
 * scripts as root, unmodified: each command runs in its own mount namespace
 * (unshare -m) with /etc, /usr and /var overlaid (overlayfs), the writes
 * landing in upper folders inside a scratch directory. The real
 * update-ca-certificates, its hooks and Debian's ca-certificates-java
 * trigger (run through dpkg) therefore do their real work, and the real
 * system never sees it. Commands run one after another share the sandbox's
 * state, because every mount reuses the same upper folders.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runTool, type RunOptions, type ToolResult } from './trust-kit-lab';

const OVERLAID = ['etc', 'usr', 'var'] as const;

const ENTER = `set -e
mount --make-rprivate /
for dir in ${OVERLAID.join(' ')}; do
  mount -t overlay overlay -o "lowerdir=/$dir,upperdir=$SANDBOX/$dir/upper,workdir=$SANDBOX/$dir/work" "/$dir"
done
exec "$@"
`;

export interface SystemSandbox {
  readonly dir: string;
  readonly run: (command: string, args: readonly string[], options: RunOptions) => Promise<ToolResult>;
}

export async function systemSandbox(dir: string): Promise<SystemSandbox> {
  for (const name of OVERLAID) {
    await mkdir(path.join(dir, name, 'upper'), { recursive: true });
    await mkdir(path.join(dir, name, 'work'), { recursive: true });
  }
  const enter = path.join(dir, 'enter.sh');
  await writeFile(enter, ENTER);
  return {
    dir,
    run: (command, args, options) =>
      runTool('unshare', ['-m', '/bin/sh', enter, command, ...args], {
        ...options,
        env: { ...options.env, SANDBOX: dir },
      }),
  };
}
