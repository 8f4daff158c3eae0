// Opens a connector from a connection's configuration (agent config `connections.<name>`).
import { createFolderConnector } from './folder.ts';
import { createMysqlConnector } from './mysql.ts';
import { createPostgresConnector } from './postgres.ts';
import type { DatabaseConnector, FolderConnector } from './types.ts';

export type ConnectorConfig =
  | { kind: 'postgres'; url: string }
  | { kind: 'mysql'; url: string }
  | { kind: 'mysql'; host: string; port?: number; user: string; password?: string; database: string }
  | { kind: 'folder'; path: string; minAgeMs?: number };

export function openConnector(conf: ConnectorConfig): DatabaseConnector | FolderConnector {
  switch (conf.kind) {
    case 'postgres':
      return createPostgresConnector({ url: conf.url });
    case 'mysql':
      if ('url' in conf) {
        // mysql2 reads host, port, user and database from any scheme; mariadb:// is accepted in config.
        return createMysqlConnector({ url: conf.url.replace(/^mariadb:/i, 'mysql:') });
      }
      return createMysqlConnector({ host: conf.host, port: conf.port, user: conf.user, password: conf.password, database: conf.database });
    case 'folder':
      return createFolderConnector({ path: conf.path, minAgeMs: conf.minAgeMs });
    default:
      throw new Error(`unknown connection kind: ${(conf as { kind: string }).kind}`);
  }
}

export { createPostgresConnector, createMysqlConnector, createFolderConnector };
