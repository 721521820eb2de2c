/**
 * Destinations the app accepts: opaque handles for folders and files the
 * main side itself chose (through the native dialog). The renderer only
 * ever holds a handle, so it can never name a path to write to.
 */
import { randomBytes } from 'node:crypto';
import { rejected } from '../../shared/errors';
import type { Destinations } from './context';

export class FolderHandles implements Destinations {
  private readonly paths = new Map<string, string>();

  /** Registers a path chosen on the main side; returns the handle the renderer may use. */
  register(target: string): string {
    const handle = `destination:${randomBytes(12).toString('hex')}`;
    this.paths.set(handle, target);
    return handle;
  }

  folder(destination: string): string {
    return this.resolve(destination);
  }

  file(destination: string): string {
    return this.resolve(destination);
  }

  private resolve(destination: string): string {
    const target = this.paths.get(destination);
    if (!target)
      throw rejected(
        'invalid-option',
        'Choose the destination again: Rootkeeper writes only where you picked in its own dialog.',
      );
    return target;
  }
}
