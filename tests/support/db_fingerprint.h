/* db_fingerprint.h - what a database holds, as one comparable string.
 *
 * A test takes the fingerprint before a request that must fail and again after it, and asserts
 * the two are equal (docs/api.md: "Nothing is stored when a request fails"):
 *
 *     char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
 *     test_db_fingerprint(server.db_path, before, sizeof(before));
 *     ... the bad request ...
 *     test_db_fingerprint(server.db_path, after, sizeof(after));
 *     ASSERT_STR_EQ(after, before);
 *
 * The string names every table with its row count and a 64-bit FNV-1a checksum of the values of
 * all its rows as text, ordered by every column ("appointment=1:9c0f...;assessment=0:...;"), in
 * name order. It works on both backends (testdb.h): tables come from sqlite_master, or from
 * information_schema (schema public) on PostgreSQL; fingerprints compare within one backend.
 * Left out, because a failed request may legitimately change them: the audit log (failed logins
 * are audited), login sessions, and the staff columns failed_logins and locked_until (failed
 * logins are counted). */
#ifndef STEGVIS_TESTS_DB_FINGERPRINT_H
#define STEGVIS_TESTS_DB_FINGERPRINT_H

#include <stddef.h>

#define TEST_DB_FINGERPRINT_SIZE 2048

/* Read the database at `db_url` (a SQLite path or a PostgreSQL URL; the server may have it open)
 * in one read transaction and write the fingerprint into `out`. Fails the test when the
 * database cannot be read or `size` is too small. */
void test_db_fingerprint(const char *db_url, char *out, size_t size);

#endif
