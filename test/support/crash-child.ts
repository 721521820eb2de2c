/**
 * The child of the crash-injection test: it opens the store and issues and
 * revokes in a loop, printing a line after each operation has reported
 * success, until the parent kills it with SIGKILL.
 */
import { parseSubject } from '../../src-main/engine/names';
import { unlock } from './store';

const dir = process.argv[2]!;
const session = await unlock(dir);
process.stdout.write('ready\n');
for (let index = 0; ; index++) {
  const { issued } = await session.issue({
    profile: 'server',
    subject: parseSubject(`CN=crash${index}.example.com`),
    sans: [],
  });
  process.stdout.write(`issued ${issued.serialNumber}\n`);
  if (index % 3 === 2) {
    await session.revoke(issued.serialNumber, 'superseded');
    process.stdout.write(`revoked ${issued.serialNumber}\n`);
  }
}
