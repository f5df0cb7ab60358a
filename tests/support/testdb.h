/* testdb.h - the tests' databases on either backend, and a look behind the store's back.
 *
 * Which backend a test runs on: PostgreSQL when STEGVIS_TEST_PG_FILE is set (cmake/pg.cmake sets
 * it for the pg/ tests: a file holding the base URL "postgresql://USER@127.0.0.1:PORT/" that
 * scripts/pg-cluster wrote), else SQLite. A database URL names its own backend: "postgres://"
 * or "postgresql://" is PostgreSQL, anything else is a SQLite file path.
 *
 * Every helper fails the test with the reason when it cannot do its job, including when
 * STEGVIS_TEST_PG_FILE is set but the cluster cannot be read or reached: a PostgreSQL run never
 * quietly becomes a SQLite run. SQL given to these helpers must be portable (SQLite and
 * PostgreSQL) unless the test checks the backend first.
 */
#ifndef STEGVIS_TESTS_TESTDB_H
#define STEGVIS_TESTS_TESTDB_H

#include <stdbool.h>
#include <stddef.h>

#define TESTDB_URL_SIZE 320

enum testdb_backend { TESTDB_SQLITE, TESTDB_POSTGRES };

/* The backend of this run (STEGVIS_TEST_PG_FILE set or not). */
enum testdb_backend testdb_backend(void);

/* "sqlite" or "postgres". */
const char *testdb_backend_name(void);

/* True on SQLite. On PostgreSQL prints "    skipped on PostgreSQL: WHY" and returns false, for
 * the parts of a test that are about SQLite itself (files, backups, PRAGMAs). */
bool testdb_sqlite_only(const char *why);

/* A new, empty database for a test, its URL in `url` (`size` >= TESTDB_URL_SIZE):
 * SQLite: the path of a file not yet created, in a fresh temporary folder.
 * PostgreSQL: CREATE DATABASE of a name of its own (`tag`, the process id and a counter: tests
 * running in parallel never share one) in the run's cluster. */
void testdb_create(const char *tag, char *url, size_t size);

/* testdb_create in the PostgreSQL cluster at `base_url` ("postgresql://USER@HOST:PORT/"),
 * whatever the run's backend (a test with a cluster of its own). */
void testdb_create_in(const char *base_url, const char *tag, char *url, size_t size);

/* Remove what testdb_create made: SQLite: the file, its -wal, -shm and -journal files, and the
 * folder; PostgreSQL: DROP DATABASE (connections to it are ended). Failures are ignored. */
void testdb_drop(const char *url);

/* The base URL of the run's cluster, from STEGVIS_TEST_PG_FILE, into `out`. */
void testdb_pg_base_url(char *out, size_t size);

/* ---- looking behind the store ------------------------------------------------------------- */

/* How a statement ended: REFUSED is the database refusing a change (SQLite's SQLITE_CONSTRAINT,
 * which a trigger's RAISE(ABORT) also gives; PostgreSQL's SQLSTATE class 23, or P0001 of a
 * trigger's RAISE EXCEPTION); ERROR is anything else. */
enum testdb_status { TESTDB_OK, TESTDB_REFUSED, TESTDB_ERROR };

/* One connection, read-write (a SQLite file is created when missing). */
struct testdb;

struct testdb *testdb_connect(const char *url);
void testdb_close(struct testdb *db); /* NULL is allowed */

/* Run `sql` (one or more statements). The database's message for a failure goes into `message`
 * (just the message, e.g. "audit is append-only"; "" on success) when it is not NULL; the rows
 * the last statement changed into *changes when it is not NULL. */
enum testdb_status testdb_run(struct testdb *db, const char *sql, long long *changes, char *message,
                              size_t size);

/* The first column of the one row `sql` returns, as an integer / as text into `out`. Fails the
 * test when the query fails or returns no row. */
long long testdb_query_int(struct testdb *db, const char *sql);
void testdb_query_text(struct testdb *db, const char *sql, char *out, size_t size);

/* Call `fn` for each row `sql` returns, with every value rendered as text (integers the same on
 * both backends; NULL for SQL NULL). Fails the test when the query fails. */
typedef void testdb_row_fn(void *context, int columns, const char *const *values);
void testdb_query_rows(struct testdb *db, const char *sql, testdb_row_fn *fn, void *context);

/* The same on a connection of their own to `url`. */
enum testdb_status testdb_exec(const char *url, const char *sql, char *message, size_t size);
long long testdb_int(const char *url, const char *sql);
void testdb_text(const char *url, const char *sql, char *out, size_t size);

/* The number of tables in the database (sqlite_master; PostgreSQL: schema public). */
long long testdb_table_count(const char *url);

#endif
