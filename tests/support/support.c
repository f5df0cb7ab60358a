#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testing.h"
#include "core/mem.h"
#include "data/datafiles.h"

extern char **environ;

static struct instrument_catalog catalog;
static int catalog_loaded;

static void release_catalog(void)
{
    instrument_catalog_release(&catalog);
}

const struct instrument_catalog *test_catalog(void)
{
    if (!catalog_loaded) {
        struct error err;
        error_clear(&err);
        if (datafiles_load_instruments(datafiles_dir(NULL), &catalog, &err) != ERR_OK)
            TEST_FAIL("cannot load instruments: %s", err.message);
        catalog_loaded = 1;
        atexit(release_catalog);
    }
    return &catalog;
}

const struct instrument *test_instrument(const char *id)
{
    const struct instrument *ins = instrument_find(test_catalog(), id);
    if (ins == NULL)
        TEST_FAIL("instrument %s is not in data/instruments", id);
    return ins;
}

/* Append what is readable on fd to *buf; returns 0 at end of file. */
static int drain(int fd, char **buf, size_t *len)
{
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n <= 0)
        return 0;
    *buf = xrealloc(*buf, *len + (size_t)n + 1);
    memcpy(*buf + *len, chunk, (size_t)n);
    *len += (size_t)n;
    (*buf)[*len] = '\0';
    return 1;
}

static void feed_stdin(int fd, const char *text)
{
    signal(SIGPIPE, SIG_IGN);
    size_t left = text ? strlen(text) : 0;
    while (left > 0) {
        ssize_t n = write(fd, text, left);
        if (n <= 0)
            break;
        text += n;
        left -= (size_t)n;
    }
    close(fd);
}

struct test_run test_run_stegvis(const char *stdin_text, const char *const *args)
{
    const char *bin = getenv("STEGVIS_BIN");
    if (bin == NULL)
        TEST_FAIL("STEGVIS_BIN is not set (run the tests through ctest)");
    return test_run_program(bin, stdin_text, args);
}

struct test_run test_run_program(const char *bin, const char *stdin_text, const char *const *args)
{
    const char *argv[64];
    int argc = 0;
    argv[argc++] = bin;
    for (int i = 0; args[i] != NULL && argc < 63; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;

    int in[2], out[2], err[2];
    if (pipe(in) || pipe(out) || pipe(err))
        TEST_FAIL("pipe: %s", strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    for (int i = 0; i < 2; i++) {
        posix_spawn_file_actions_addclose(&actions, in[i]);
        posix_spawn_file_actions_addclose(&actions, out[i]);
        posix_spawn_file_actions_addclose(&actions, err[i]);
    }
    pid_t pid;
    if (posix_spawn(&pid, bin, &actions, NULL, (char *const *)argv, environ) != 0)
        TEST_FAIL("cannot run %s", bin);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    feed_stdin(in[1], stdin_text);

    struct test_run run = { 0, xstrdup(""), xstrdup("") };
    size_t out_len = 0, err_len = 0;
    struct pollfd fds[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
    int open_fds = 2;
    while (open_fds > 0 && poll(fds, 2, -1) > 0) {
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            if (!drain(fds[i].fd, i == 0 ? &run.out : &run.err, i == 0 ? &out_len : &err_len)) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

void test_run_free(struct test_run *run)
{
    free(run->out);
    free(run->err);
    run->out = run->err = NULL;
}
