import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trip ids in time order: UUID version 7 (RFC 9562 section 5.7) instead of version 4.
 *
 * A trip's id is the key of the ledger's entries for it (`trip:<id>:hold`, `...:completed`,
 * `...:hold:posted`) and of their postings, and the trips table's own key. Random v4 ids sent
 * each insert into those five B-trees to a random leaf page, so each index as a whole was the
 * working set and, once larger than shared_buffers, every completion read pages back from the
 * OS and wrote dirty ones out (apps/ledger/README.md, Benchmark). A v7 id starts with the time
 * of the request in milliseconds, so new ids sort after older ones and their inserts go to the
 * recent end of each index. The ids stay UUIDs (the API's format is unchanged); they now tell
 * when the trip was requested, which every party to it sees anyway.
 *
 * PostgreSQL 15 has no uuidv7() (18 has): this one takes gen_random_uuid()'s bytes, writes the
 * 48-bit millisecond time over the first six, and turns the version nibble from 4 (0100) into
 * 7 (0111) by setting its two low bits (bits 52 and 53 of the bytea, bit 0 being the lowest of
 * byte 0); the variant bits are gen_random_uuid()'s, already RFC 9562's.
 */
export class TripIdsInTimeOrder1763900000864 implements MigrationInterface {
  name = 'TripIdsInTimeOrder1763900000864';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
        SELECT encode(
                 set_bit(set_bit(
                   overlay(uuid_send(gen_random_uuid())
                           PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                           FROM 1 FOR 6),
                   52, 1), 53, 1),
                 'hex')::uuid
      $$`);
    await db.query(`ALTER TABLE trips ALTER COLUMN id SET DEFAULT uuid_v7()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE trips ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
    await db.query(`DROP FUNCTION uuid_v7()`);
  }
}
