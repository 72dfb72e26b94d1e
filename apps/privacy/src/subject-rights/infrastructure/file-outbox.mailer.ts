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
    let deleted = 0;
    for (const name of await this.messageFiles()) {
      const path = join(this.dir, name);
      const message = JSON.parse(await readFile(path, 'utf8')) as { to?: string };
      if (message.to?.trim().toLowerCase() === address.trim().toLowerCase()) {
        await unlink(path);
        deleted += 1;
      }
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
