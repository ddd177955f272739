import { randomBytes } from 'node:crypto';
import { createAzure } from '../../src/azure';
import { decodeSigningKey } from '../../src/store';
import { startTestAzure, type TestAzure } from '../support/azure';

// Live mode's record signing key: a Key Vault secret (RECORD_SIGNING_KEY_SECRET_URI) read once at start-up as the
// approved identity, through the real SecretClient against the sandbox's Key Vault data plane.
describe('record signing key from Key Vault', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  const vault = () => azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-policy')!;

  it('reads the secret the URI names, and the key it holds decodes to 32 bytes', async () => {
    const key = randomBytes(32);
    // As `az keyvault secret set --value "$(openssl rand -base64 32)"` leaves it.
    vault().secrets.push({
      name: 'bot-record-signing-key',
      version: 'a1b2c3',
      state: 'active',
      value: key.toString('base64'),
      created: new Date().toISOString(),
    });
    const uri = `${vault().vaultUri!.replace(/\/+$/, '')}/secrets/bot-record-signing-key`;
    const read = await createAzure(azure.settings).signingKey.read(uri);
    expect(decodeSigningKey(read).equals(key)).toBe(true);
  });

  it('refuses a URI that is not an https Key Vault secret URL, and a secret that does not exist', async () => {
    const signing = createAzure(azure.settings).signingKey;
    await expect(signing.read('http://kv.example/secrets/x')).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(signing.read(`${vault().vaultUri!.replace(/\/+$/, '')}/keys/x`)).rejects.toMatchObject({
      code: 'InvalidInput',
    });
    await expect(signing.read(`${vault().vaultUri!.replace(/\/+$/, '')}/secrets/no-such-secret`)).rejects.toMatchObject(
      { code: expect.any(String) },
    );
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => decodeSigningKey('c2hvcnQ=')).toThrow(/at least 32 bytes/);
  });
});
