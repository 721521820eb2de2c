/**
 * The child of the fault-point test: it makes one change to a store and
 * prints "done". The parent arms store/fault.ts through the environment, so
 * this process either lists the fault points it passes or is killed with
 * SIGKILL at one of them.
 */
import { parseSubject } from '../../src-main/engine/names';
import { restoreBackup } from '../../src-main/store/backup';
import { NEW_OPERATOR_PASSPHRASE, OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, testEnvironment, unlock } from './store';

const [scenario, dir, backup] = process.argv.slice(2);
switch (scenario) {
  case 'intermediate': {
    const session = await unlock(dir!);
    await session.createIntermediate(ROOT_PASSPHRASE, {
      subject: parseSubject('CN=Next Intermediate CA, O=Rootkeeper Tests'),
      key: 'ec-p256',
      purpose: 'both',
      // On a store that has one, this is a rotation (the old generation retired, its key kept).
      rotate: true,
    });
    await session.lock();
    break;
  }
  case 'passphrase': {
    const session = await unlock(dir!);
    await session.changePassphrase('operator', OPERATOR_PASSPHRASE, NEW_OPERATOR_PASSPHRASE);
    await session.lock();
    break;
  }
  case 'restore':
    await restoreBackup(backup!, dir!, OPERATOR_PASSPHRASE, testEnvironment());
    break;
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
process.stdout.write('done\n');
