import { createLogger } from '../src/log';

describe('logger', () => {
  it('redacts credentials wherever a caller puts them', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (s: string) => void lines.push(s) } });
    logger.info(
      {
        token: 'eyJ-top-level',
        request: { headers: { authorization: 'Bearer eyJ-header' } },
        config: { bot: { appPassword: 'bot-password' } },
        identity: { clientSecret: 'client-secret', objectId: 'kept-object-id' },
      },
      'something happened',
    );
    const out = lines.join('');
    for (const secret of ['eyJ-top-level', 'eyJ-header', 'bot-password', 'client-secret'])
      expect(out).not.toContain(secret);
    expect(out).toContain('kept-object-id');
    expect(out).toContain('[redacted]');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 30, msg: 'something happened', service: 'ade-backup-bot' });
  });
});
