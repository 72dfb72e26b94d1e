import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
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

  async deleteOlderThan(cutoff: Date): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let deleted = 0;
    for (const name of names.filter((n) => n.endsWith('.json'))) {
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
