// The team backends for a file's own team server: a database on the suite's PostgreSQL
// ($CAIRN_TEST_POSTGRES_URL, which the test command starts; else a throwaway cluster of this
// file's own) and a throwaway SeaweedFS S3 server, both started by the repository's scripts
// (scripts/test-postgres.sh, scripts/test-s3.sh) and stopped by `stop`.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The S3 server's key pair (scripts/test-s3.sh) and its bucket. */
export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'cairntest', AWS_SECRET_ACCESS_KEY: 'cairntestsecret' };
export const S3_BUCKET = 'cairn-test';

export interface TeamBackends {
  /** A new, empty database's URL. */
  database: string;
  /** The variables a server or `cairn store copy` needs to reach the bucket. */
  s3Env: Record<string, string>;
  stop: () => void;
}

function script(name: string, ...args: string[]): string {
  return execFileSync(path.join(repoRoot, 'scripts', name), args, { encoding: 'utf8' }).trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts what is missing under `dir` and makes the database `name`. */
export async function startTeamBackends(dir: string, name: string): Promise<TeamBackends> {
  const stops: (() => void)[] = [];
  let admin = process.env.CAIRN_TEST_POSTGRES_URL ?? '';
  try {
    if (admin === '') {
      const pgDir = path.join(dir, 'postgres');
      admin = script('test-postgres.sh', 'start', pgDir, String(await freePort()));
      stops.push(() => script('test-postgres.sh', 'stop', pgDir));
    }
    execFileSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`]);
    const base = admin.split('?')[0]!;
    const database = `${base.slice(0, base.lastIndexOf('/'))}/${name}`;
    const s3Dir = path.join(dir, 's3');
    const endpoint = script('test-s3.sh', 'start', s3Dir, String(await freePort()));
    stops.push(() => script('test-s3.sh', 'stop', s3Dir));
    return {
      database,
      s3Env: { ...S3_CREDENTIALS, MLFLOW_S3_ENDPOINT_URL: endpoint },
      stop: () => stops.reverse().forEach((stop) => stop()),
    };
  } catch (error) {
    stops.reverse().forEach((stop) => stop());
    throw error;
  }
}
