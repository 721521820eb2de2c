/** What root commands print about custody and ceremony records. */
import { print, type Io } from './io';

export function printCustody(io: Io, files: readonly string[] | undefined, threshold: number | undefined): void {
  if (!files || files.length === 0) return;
  print(io, `Shares written (any ${threshold ?? 'M'} unlock the root; give each custodian their own two files):`);
  for (const file of files) print(io, `  ${file}`);
}

export function printRecord(io: Io, record: { folder: string; json: string } | null | undefined): void {
  if (!record) return;
  print(io, `Ceremony record: ${record.folder}/${record.json} (signed by the root; see README.txt there to verify)`);
}
