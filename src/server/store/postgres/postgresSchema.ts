import type pg from 'pg'

type Driver = Pick<typeof pg, 'escapeIdentifier' | 'escapeLiteral'>

/**
 * Where the PostgreSQL store keeps its tables. Given a schema, there. Otherwise in a schema of its own, `DEFAULT`,
 * so nothing lands beside an app's tables in `public` (Rails, Prisma and Knex keep a `schema_migrations` there) —
 * unless `public` already holds the kit's tables, as an earlier kit made them by default: then it keeps using
 * `public`, and never creates an empty schema of its own beside them.
 */
export const postgresSchema = {
  DEFAULT: 'react_mpc_backup',

  /** The lock a migration of `name` holds for its transaction (the key earlier kits used: they share it). */
  async lock(client: pg.PoolClient, pg: Driver, name: string): Promise<void> {
    const key = pg.escapeLiteral(`react-mpc-backup:${pg.escapeIdentifier(name)}`)
    await client.query(`SELECT pg_advisory_xact_lock(hashtext(${key}))`)
  },

  /**
   * The schema to migrate and use, decided inside the migration's transaction. With no schema given, it takes the
   * locks of both places (its own, then `public`, always in that order), so processes starting at once, and an
   * earlier kit migrating `public`, see each other's committed tables and agree.
   */
  async locate(
    client: pg.PoolClient,
    pg: Driver,
    given: string | undefined,
  ): Promise<{ name: string; foundInPublic: boolean }> {
    if (given !== undefined) {
      await postgresSchema.lock(client, pg, given)
      return { name: given, foundInPublic: false }
    }
    await postgresSchema.lock(client, pg, postgresSchema.DEFAULT)
    await postgresSchema.lock(client, pg, 'public')
    const { rows } = await client.query<{ own: boolean; kitInPublic: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS own,
        to_regclass('public.client_backups') IS NOT NULL
        AND (SELECT count(*) = 3 FROM pg_attribute
             WHERE attrelid = to_regclass('public.schema_migrations') AND attnum > 0 AND NOT attisdropped
               AND (attname, atttypid) IN (('version', 'integer'::regtype), ('name', 'text'::regtype),
                                           ('applied_at', 'timestamptz'::regtype))) AS "kitInPublic"`,
      [`${pg.escapeIdentifier(postgresSchema.DEFAULT)}.schema_migrations`],
    )
    const { own, kitInPublic } = rows[0]!
    // Its own schema first: it exists only if it was chosen before (or an operator moved the tables there).
    if (own || !kitInPublic) return { name: postgresSchema.DEFAULT, foundInPublic: false }
    return { name: 'public', foundInPublic: true }
  },
}
