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

  it('writes plain fields as they are and still redacts nested secrets, in child loggers too', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (s: string) => void lines.push(s) } });
    logger.child({ conversationId: 'c-1' }).info(
      {
        intent: 'enable "backup"',
        durationMs: 12.5,
        retried: false,
        activityId: null,
        attempts: Infinity,
        call: { token: 'eyJ-nested', status: 200 },
      },
      'turn',
    );
    expect(lines[0]).not.toContain('eyJ-nested');
    expect(JSON.parse(lines[0])).toMatchObject({
      conversationId: 'c-1',
      intent: 'enable "backup"',
      durationMs: 12.5,
      retried: false,
      activityId: null,
      attempts: null,
      call: { token: '[redacted]', status: 200 },
    });
  });
});
