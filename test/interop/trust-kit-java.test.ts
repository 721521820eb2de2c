/**
 * Java 17 reads the kit's java/truststore.p12: keytool lists the root as a
 * trustedCertEntry with the right fingerprint, and a Java HttpClient started
 * with the README's -Djavax.net.ssl.trustStore… flags connects to the server
 * (engine-made leaf + intermediate) and reads the body. With Java's default
 * trust store the same client fails PKIX path building.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_TEXT, openLab, runTool, toolEnv, type Lab, type ToolResult } from './trust-kit-lab';

const JAVA_TIMEOUT_MS = 60_000;

/** Single-file source launch (java Client.java) compiles in memory: it needs the JDK's compiler module. */
const CLIENT = `
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

public class Client {
  public static void main(String[] args) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(20)).build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    System.err.println("status " + response.statusCode());
    System.out.print(response.body());
  }
}
`;

let lab: Lab;
let client: string;
let truststore: string;

beforeAll(async () => {
  lab = await openLab('Kit Java');
  client = path.join(lab.dir, 'Client.java');
  await writeFile(client, CLIENT);
  truststore = path.join(lab.kit, 'java/truststore.p12');
});

afterAll(async () => {
  await lab?.close();
});

function java(flags: readonly string[]): Promise<ToolResult> {
  return runTool('java', [...flags, client, lab.url], {
    env: toolEnv(path.join(lab.dir, 'home')),
    cwd: lab.dir,
    timeoutMs: JAVA_TIMEOUT_MS,
  });
}

function keytool(args: readonly string[]): Promise<ToolResult> {
  return runTool('keytool', args, { env: toolEnv(path.join(lab.dir, 'home')) });
}

describe('Java 17 and java/truststore.p12', () => {
  it("keytool lists one trustedCertEntry with the root's SHA-256 fingerprint", async () => {
    const base = ['-list', '-keystore', truststore, '-storetype', 'PKCS12', '-storepass', 'changeit'];
    const list = await keytool(base);
    expect(list.stdout).toContain('Keystore type: PKCS12\n');
    expect(list.stdout).toContain('Your keystore contains 1 entry\n');
    expect(list.stdout).toMatch(new RegExp(`\\n${lab.name}, [^\\n]+, trustedCertEntry, ?\\n`));
    expect(list.stdout).toContain(`Certificate fingerprint (SHA-256): ${lab.fingerprints.sha256}\n`);
    expect(list.status).toBe(0);

    const verbose = await keytool([...base, '-v']);
    expect(verbose.stdout).toContain(`Alias name: ${lab.name}\n`);
    expect(verbose.stdout).toContain('Entry type: trustedCertEntry\n');
    // keytool prints names RFC 2253 style: the last RDN of the encoding first.
    expect(verbose.stdout).toContain(`Owner: C=GB, O=Rootkeeper Tests, CN=${lab.label}\n`);
    expect(verbose.stdout).toContain(`\t SHA1: ${lab.fingerprints.sha1}\n`);
    expect(verbose.stdout).toContain(`\t SHA256: ${lab.fingerprints.sha256}\n`);
    expect(verbose.status).toBe(0);
  });

  it('keytool refuses the store under a wrong password (the integrity check works)', async () => {
    const list = await keytool([
      '-list',
      '-keystore',
      truststore,
      '-storetype',
      'PKCS12',
      '-storepass',
      'not-changeit',
    ]);
    expect(list.stdout).toContain('keytool error: java.io.IOException: keystore password was incorrect');
    expect(list.status).not.toBe(0);
  });

  it('connects with -Djavax.net.ssl.trustStore=<kit>/java/truststore.p12 and reads the body', async () => {
    const result = await java([
      `-Djavax.net.ssl.trustStore=${truststore}`,
      '-Djavax.net.ssl.trustStorePassword=changeit',
      '-Djavax.net.ssl.trustStoreType=PKCS12',
    ]);
    expect(result.stderr).toBe('status 200\n');
    expect(result.stdout).toContain(`<p id="message">${PAGE_TEXT}</p>`);
    expect(result.status).toBe(0);
  });

  it("fails PKIX path building with Java's default trust store", async () => {
    const alertsBefore = lab.clientAlerts().length;
    const result = await java([]);
    expect(result.stderr).toMatch(
      // Newer JDK 17 updates put the TLS alert first: "(certificate_unknown) PKIX path building failed".
      /javax\.net\.ssl\.SSLHandshakeException: (\(certificate_unknown\) )?PKIX path building failed: sun\.security\.provider\.certpath\.SunCertPathBuilderException: unable to find valid certification path to requested target/,
    );
    expect(result.stdout).toBe('');
    expect(result.status).not.toBe(0);
    // PKIX path building runs on the certificate the server sent, and the server saw the client abandon
    // the handshake: a trust failure, not a connection one.
    expect(lab.clientAlerts().length).toBeGreaterThan(alertsBefore);
  });
});
