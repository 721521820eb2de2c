/** Files the officer drops or picks: read in the page as bytes, size-capped, never handed over as paths. */

/** The contract's cap for a CSR or certificate file. */
export const MAX_FILE_BYTES = 64 * 1024;

export interface PickedFile {
  readonly name: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

export interface RefusedFile {
  readonly name: string;
  readonly problem: string;
}

export async function readFiles(files: Iterable<File>): Promise<{ read: PickedFile[]; refused: RefusedFile[] }> {
  const read: PickedFile[] = [];
  const refused: RefusedFile[] = [];
  for (const file of files) {
    if (file.size > MAX_FILE_BYTES) {
      refused.push({
        name: file.name,
        problem: `It is ${file.size} bytes; a request or certificate is at most 64 KiB.`,
      });
    } else if (file.size === 0) {
      refused.push({ name: file.name, problem: 'It is empty.' });
    } else {
      read.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    }
  }
  return { read, refused };
}

/** Files from a drop, if it carried any (text or links dropped on the window are ignored). */
export function droppedFiles(event: DragEvent): File[] {
  return [...(event.dataTransfer?.files ?? [])];
}
