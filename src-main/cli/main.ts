/** The rootkeeper executable. */
import { endQuietlyOnClosedPipe } from './io';
import { runCli } from './run';

endQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));
process.exitCode = await runCli(process.argv.slice(2));
