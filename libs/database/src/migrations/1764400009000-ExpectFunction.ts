import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `housing_expect(ok, failure)`: true when `ok`, else an error with the
 * message `failure`. A statement sent together with its transaction's COMMIT
 * (libs/database/src/commit-ahead.ts) checks what it wrote with it: the error
 * stops the COMMIT on the server, where a check made by the caller on the
 * answer would come after the commit.
 */
export class ExpectFunction1764400009000 implements MigrationInterface {
  name = 'ExpectFunction1764400009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION housing_expect(ok boolean, failure text) RETURNS boolean
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF ok IS NOT TRUE THEN
          RAISE EXCEPTION '%', failure USING ERRCODE = 'P0001';
        END IF;
        RETURN true;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION housing_expect(boolean, text)`);
  }
}
