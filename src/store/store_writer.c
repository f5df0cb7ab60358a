/* store_writer.c - the one writer thread and its group commit (see store_internal.h).
 *
 * Why one writer: SQLite lets one connection write at a time, and with synchronous=FULL (SQLite)
 * or synchronous_commit (PostgreSQL) every COMMIT costs an fsync. Committing all waiting requests
 * together turns many fsyncs into one while each request is still acknowledged only after its
 * data is on disk. With PostgreSQL, several server processes each have such a writer. */
#include "store_internal.h"

#include "core/coro.h"

#include <string.h>
#include <time.h>

static const char sql_commit[] = "COMMIT";
static const char sql_savepoint[] = "SAVEPOINT job";
static const char sql_release[] = "RELEASE job";
static const char sql_rollback_to[] = "ROLLBACK TO job";

long long store__now(void)
{
    return (long long)time(NULL);
}

/* Give `rc` and `err` to every job from `from` up to (not including) `to` that has not failed
 * on its own already: their changes were in a transaction that did not commit. */
static void fail_jobs(struct store__job *from, struct store__job *to, enum err_code rc,
                      const struct error *err)
{
    for (struct store__job *job = from; job != to; job = job->next) {
        if (job->rc != ERR_OK)
            continue;
        job->rc = rc;
        job->err = *err;
    }
}

/* The job's change and its audit row. */
static enum err_code run_job_body(struct store__conn *conn, struct store__job *job)
{
    enum err_code rc = ERR_OK;
    if (job->run != NULL)
        rc = job->run(conn, job->arg, &job->err);
    if (rc == ERR_OK && job->audit != NULL)
        rc = store__audit_insert(conn, job->audit, &job->err);
    return rc;
}

static void run_job(struct store__conn *conn, struct store__job *job)
{
    job->rc = store__exec(conn, sql_savepoint, &job->err);
    if (job->rc != ERR_OK)
        return;
    job->rc = run_job_body(conn, job);
    if (job->rc == ERR_OK) {
        job->rc = store__exec(conn, sql_release, &job->err);
        return;
    }
    /* Undo this job alone; the others in the transaction stay. If even that fails, the database
     * has ended the transaction and run_batch() sees it. */
    struct error ignored;
    if (!store__in_transaction(conn) || store__exec(conn, sql_rollback_to, &ignored) != ERR_OK)
        return;
    if (store__exec(conn, sql_release, &ignored) != ERR_OK)
        store__rollback(conn);
}

/* The database itself ended the transaction (SQLite rolls back on some I/O and full-disk
 * errors; a lost PostgreSQL connection ends it too): everything before `job` in it is lost, so
 * those callers are told to try again. */
static bool transaction_lost(struct store__conn *conn)
{
    return !store__in_transaction(conn);
}

/* Commit the open transaction of the jobs from `first`; returns how many were committed. */
static long long commit_jobs(struct store__conn *conn, struct store__job *first)
{
    struct error err;
    error_clear(&err);
    enum err_code rc = store__exec(conn, sql_commit, &err);
    if (rc != ERR_OK) {
        store__rollback(conn);
        fail_jobs(first, NULL, rc, &err);
        return 0;
    }
    long long committed = 0;
    for (struct store__job *job = first; job != NULL; job = job->next)
        committed += job->rc == ERR_OK;
    return committed;
}

/* The first try at a batch: every job in one transaction without savepoints, since jobs rarely
 * fail (the callers validate first) and a savepoint costs each page a job changes a copy into
 * the statement journal. Returns false when one job of several failed: the transaction is then
 * rolled back, and run_batch() runs the jobs again, each in a savepoint (a job is a function of
 * its arguments and the database, so it can run twice). A lone job keeps its own error. */
static bool run_batch_at_once(struct store__conn *conn, struct store__job *first,
                              long long *committed)
{
    struct error err;
    error_clear(&err);
    *committed = 0;
    enum err_code rc = store__begin(conn, &err);
    if (rc != ERR_OK) {
        fail_jobs(first, NULL, rc, &err);
        return true;
    }
    for (struct store__job *job = first; job != NULL; job = job->next) {
        job->rc = run_job_body(conn, job);
        if (job->rc != ERR_OK) {
            store__rollback(conn);
            return first->next == NULL;
        }
    }
    *committed = commit_jobs(conn, first);
    return true;
}

/* Run the jobs from `first` (a NULL-terminated list), each in a savepoint of its own, so that a
 * failing job is undone alone; sets each job's rc and returns how many were committed. */
static long long run_batch_in_savepoints(struct store__conn *conn, struct store__job *first)
{
    struct store__job *begun = first; /* the first job of the open transaction */
    struct error err;
    error_clear(&err);
    enum err_code rc = store__begin(conn, &err);
    if (rc != ERR_OK) {
        fail_jobs(first, NULL, rc, &err);
        return 0;
    }
    for (struct store__job *job = first; job != NULL; job = job->next) {
        job->rc = ERR_OK;
        run_job(conn, job);
        if (!transaction_lost(conn))
            continue;
        error_set(&err, ERR_UNAVAILABLE, NULL,
                  "the database rolled back the transaction; nothing was stored, try again");
        fail_jobs(begun, job->next, ERR_UNAVAILABLE, &err);
        begun = job->next;
        if (begun == NULL)
            return 0;
        rc = store__begin(conn, &err);
        if (rc != ERR_OK) {
            fail_jobs(begun, NULL, rc, &err);
            return 0;
        }
    }
    return commit_jobs(conn, begun);
}

/* Run the jobs from `first` (a NULL-terminated list) in as few transactions as possible. Sets
 * each job's rc; returns how many were committed. Never inlined: the profiler counts the
 * writer's work by this function (callgrind --toggle-collect=run_batch). */
__attribute__((noinline)) static long long run_batch(struct store__conn *conn,
                                                     struct store__job *first)
{
    long long committed = 0;
    if (run_batch_at_once(conn, first, &committed))
        return committed;
    return run_batch_in_savepoints(conn, first);
}

/* The batch from `first` in ascending order_key, jobs of one key in the order they came
 * (a review after the response it reviews): an insertion sort, as batches are short. */
static struct store__job *sort_batch(struct store__job *first)
{
    struct store__job *sorted = NULL;
    while (first != NULL) {
        struct store__job *job = first;
        first = job->next;
        struct store__job **at = &sorted;
        while (*at != NULL && (*at)->order_key <= job->order_key)
            at = &(*at)->next;
        job->next = *at;
        *at = job;
    }
    return sorted;
}

/* Take up to STORE__BATCH_MAX queued jobs (the lock is held). */
static struct store__job *take_batch(struct store *store)
{
    struct store__job *first = store->queue_head, *last = first;
    for (int n = 1; n < STORE__BATCH_MAX && last->next != NULL; n++)
        last = last->next;
    store->queue_head = last->next;
    if (store->queue_head == NULL)
        store->queue_tail = NULL;
    last->next = NULL;
    return first;
}

static void *writer_main(void *arg)
{
    struct store__writer *writer = arg;
    struct store *store = writer->store;
    pthread_mutex_lock(&store->lock);
    for (;;) {
        while (store->queue_head == NULL && !store->stopping)
            pthread_cond_wait(&store->queue_cond, &store->lock);
        if (store->queue_head == NULL)
            break; /* stopping, and everything queued is done */
        struct store__job *batch = take_batch(store);
        pthread_mutex_unlock(&store->lock);
        if (store->writer_count > 1)
            batch = sort_batch(batch);
        long long committed = run_batch(writer->conn, batch);
        pthread_mutex_lock(&store->lock);
        store->writes += committed;
        store->commits += committed > 0;
        pthread_mutex_unlock(&store->lock);
        /* each caller is woken on its own (its coroutine's wake, or its semaphore), without
         * the queue's lock: woken callers do not queue up behind the writer on one mutex */
        while (batch != NULL) {
            struct store__job *next = batch->next; /* the caller owns `batch` once woken */
            if (batch->coro != NULL)
                coro_wake(batch->coro);
            else
                sem_post(&batch->done);
            batch = next;
        }
        pthread_mutex_lock(&store->lock);
    }
    pthread_mutex_unlock(&store->lock);
    return NULL;
}

enum err_code store__writer_start(struct store *store, struct error *err)
{
    int count = store->backend->writers;
    enum err_code rc = ERR_OK;
    for (int i = 0; rc == ERR_OK && i < count && i < STORE__WRITERS_MAX; i++) {
        struct store__writer *w = &store->writers[i];
        w->store = store;
        if (w->conn == NULL) /* the first is open already: store_open made the schema on it */
            rc = store__conn_open(store, false, false, &w->conn, err);
        if (rc != ERR_OK)
            break;
        store->writer_count = i + 1;
        if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
            rc = error_set(err, ERR_INTERNAL, NULL, "cannot start the database writer thread");
        w->started = rc == ERR_OK;
    }
    return rc;
}

void store__writer_stop(struct store *store)
{
    pthread_mutex_lock(&store->lock);
    store->stopping = true;
    pthread_cond_broadcast(&store->queue_cond);
    pthread_mutex_unlock(&store->lock);
    for (int i = 0; i < STORE__WRITERS_MAX; i++) {
        struct store__writer *w = &store->writers[i];
        if (w->started)
            pthread_join(w->thread, NULL);
        w->started = false;
        store__conn_free(w->conn);
        w->conn = NULL;
    }
    store->writer_count = 0;
}

/* Whether this thread's reader is idle, so that another coroutine of the thread may use it while
 * this caller is parked. */
static bool reader_idle(struct store *store)
{
    struct store__conn *reader =
        store->reader_key_made ? pthread_getspecific(store->reader_key) : NULL;
    return reader == NULL || !reader->backend->busy(reader);
}

/* Queue `job` for the writer; false (and nothing queued) when the store is closing. */
static bool enqueue(struct store *store, struct store__job *job)
{
    pthread_mutex_lock(&store->lock);
    if (store->stopping) {
        pthread_mutex_unlock(&store->lock);
        return false;
    }
    if (store->queue_tail != NULL)
        store->queue_tail->next = job;
    else
        store->queue_head = job;
    store->queue_tail = job;
    pthread_cond_signal(&store->queue_cond);
    pthread_mutex_unlock(&store->lock);
    return true;
}

/* A caller running as a coroutine parks until the writer wakes it: its thread serves others
 * meanwhile. Any other caller's thread sleeps on the job's semaphore. */
enum err_code store__write(struct store *store, store__job_fn run, void *arg,
                           const struct store_audit *audit, struct error *err)
{
    return store__write_for_patient(store, 0, run, arg, audit, err);
}

enum err_code store__write_for_patient(struct store *store, long long patient_id, store__job_fn run,
                                       void *arg, const struct store_audit *audit,
                                       struct error *err)
{
    struct store__job job;
    memset(&job, 0, sizeof(job));
    job.order_key = patient_id;
    job.run = run;
    job.arg = arg;
    job.audit = audit;
    if (coro_current() != NULL && reader_idle(store) && coro_park_prepare())
        job.coro = coro_current();
    else
        sem_init(&job.done, 0, 0);
    if (!enqueue(store, &job)) {
        error_set(&job.err, ERR_UNAVAILABLE, NULL, "the store is closing");
        job.rc = ERR_UNAVAILABLE;
        if (job.coro != NULL)
            coro_wake(job.coro); /* prepared to park: undo that by parking for a moment */
        else
            sem_post(&job.done);
    }
    if (job.coro != NULL) {
        coro_park();
    } else {
        while (sem_wait(&job.done) != 0) /* EINTR: a signal (SIGTERM) arrived; keep waiting */
            ;
        sem_destroy(&job.done);
    }
    if (job.rc != ERR_OK && err != NULL)
        *err = job.err;
    return job.rc;
}
