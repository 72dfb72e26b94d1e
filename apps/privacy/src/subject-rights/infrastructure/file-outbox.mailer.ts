import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Mailer, type MailMessage } from '../application/mailer';
import { RetainedMail } from '../application/privacy-retention.tasks';

/**
 * The local mail adapter: each message is one JSON file in the outbox folder
 * (`.lumen/mail-outbox/` by default), written atomically and readable only by the owner, so a
 * developer or a test reads what a customer would have received. A production adapter (SMTP or a
 * provider's API) implements `Mailer` the same way.
 */
export class FileOutboxMailer extends Mailer implements RetainedMail {
  constructor(private readonly dir: string) {
    super();
  }

  async send(message: MailMessage): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const name = `${Date.now()}-${message.kind}-${randomUUID()}.json`;
    const temporary = join(this.dir, `.${name}.tmp`);
    const body = { ...message, sentAt: new Date().toISOString() };
    await writeFile(temporary, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
    await rename(temporary, join(this.dir, name));
  }

  async deleteAddressedTo(address: string): Promise<number> {
    const wanted = address.trim().toLowerCase();
    let deleted = 0;
    for (const name of await this.messageFiles()) {
      const path = join(this.dir, name);
      const text = await readIfPresent(path);
      if (text === undefined) continue; // deleted meanwhile (the retention job)
      // One damaged file must not stop an erasure: it is matched on its raw text instead, so a
      // copy that still names the address goes too, and one that does not is left alone.
      const to = recipientOf(text);
      const matches = to === undefined ? text.toLowerCase().includes(wanted) : to === wanted;
      if (matches && (await unlinkIfPresent(path))) deleted += 1;
    }
    return deleted;
  }

  private async messageFiles(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((name) => name.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    let deleted = 0;
    for (const name of await this.messageFiles()) {
      const path = join(this.dir, name);
      // The file's own time, not the name's: the clock of the job is what decides.
      const { mtime } = await stat(path);
      if (mtime < cutoff) {
        await unlink(path);
        deleted += 1;
      }
    }
    return deleted;
  }
}

/** The message's `to`, lower-cased; undefined when the file is not a message we can parse. */
function recipientOf(text: string): string | undefined {
  try {
    const message: unknown = JSON.parse(text);
    if (typeof message !== 'object' || message === null) return undefined;
    const to = (message as { to?: unknown }).to;
    return typeof to === 'string' ? to.trim().toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
