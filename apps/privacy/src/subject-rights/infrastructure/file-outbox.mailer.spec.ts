import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileOutboxMailer } from './file-outbox.mailer';

describe('FileOutboxMailer.deleteAddressedTo', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lumen-mail-outbox-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const message = (to: string) => ({
    to,
    kind: 'verification-code' as const,
    requestId: 'r',
    subject: 's',
    text: 't',
  });

  it('goes on past files it cannot parse, deleting those that still name the address', async () => {
    const mailer = new FileOutboxMailer(dir);
    await mailer.send(message('Ada@Example.org '));
    await mailer.send(message('bob@example.org'));
    writeFileSync(join(dir, '1-damaged-a.json'), '{"to": "ada@example.org", "text": "trunc');
    writeFileSync(join(dir, '2-damaged-b.json'), 'not json at all');
    writeFileSync(join(dir, '3-no-recipient.json'), '[1, 2, 3]');

    expect(await mailer.deleteAddressedTo('ada@example.org')).toBe(2);

    const left = readdirSync(dir).sort();
    expect(left).toHaveLength(3);
    expect(left).toEqual(expect.arrayContaining(['2-damaged-b.json', '3-no-recipient.json']));
  });

  it('finds nothing in a folder that does not exist yet', async () => {
    expect(await new FileOutboxMailer(join(dir, 'absent')).deleteAddressedTo('a@b.c')).toBe(0);
  });
});
