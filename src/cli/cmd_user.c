/* cmd_user.c - `stegvis user add`: staff accounts. The password is read from standard input
 * (or prompted without echo on a terminal), never from argv, where other users could see it. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/auth.h"
#include "store/store.h"

struct user_options {
    const char *db;
    const char *username;
    const char *role;
    const char *unit;
    const char *name;
};

static int parse_user_options(int argc, char **argv, struct user_options *o)
{
    memset(o, 0, sizeof(*o));
    for (int i = 0; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--db") == 0)
            slot = &o->db;
        else if (strcmp(argv[i], "--username") == 0)
            slot = &o->username;
        else if (strcmp(argv[i], "--role") == 0)
            slot = &o->role;
        else if (strcmp(argv[i], "--unit") == 0)
            slot = &o->unit;
        else if (strcmp(argv[i], "--name") == 0)
            slot = &o->name;
        else if (strcmp(argv[i], "--password") == 0)
            return cli_usage_error("--password: give the password on standard input, never on "
                                   "the command line");
        else
            return cli_usage_error("user add: unknown option \"%s\"", argv[i]);
        if (i + 1 >= argc)
            return cli_usage_error("%s needs a value", argv[i]);
        *slot = argv[++i];
    }
    const char *missing = !o->db         ? "--db"
                          : !o->username ? "--username"
                          : !o->role     ? "--role"
                          : !o->unit     ? "--unit"
                                         : NULL;
    if (missing != NULL)
        return cli_usage_error("user add: %s is required (usage: stegvis user add --db FILE "
                               "--username U --role clinician|manager|analyst|admin --unit CODE "
                               "[--name NAME])",
                               missing);
    if (role_parse(o->role) == 0)
        return cli_usage_error("--role: \"%s\" is not clinician, manager, analyst or admin",
                               o->role);
    return CLI_EXIT_OK;
}

/* One line from stdin; on a terminal, prompt and turn echo off while typing. */
static int read_password(char *out, size_t size)
{
    struct termios saved, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        fputs("Password: ", stderr);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    char *line = fgets(out, (int)size, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        fputc('\n', stderr);
    }
    if (line == NULL)
        return cli_usage_error("no password on standard input");
    out[strcspn(out, "\r\n")] = '\0';
    return CLI_EXIT_OK;
}

static int add_user(const struct user_options *o, const char *password)
{
    struct store *store = NULL;
    struct store_staff staff;
    struct store_unit unit;
    struct store_audit audit;
    struct error err;
    error_clear(&err);
    memset(&staff, 0, sizeof(staff));
    if (strlen(o->username) >= sizeof(staff.username))
        return cli_usage_error("--username: at most %zu characters", sizeof(staff.username) - 1);
    if (auth_init(&err) != ERR_OK || auth_hash_password(password, staff.pw_hash, &err) != ERR_OK)
        return cli_report(&err);
    int rc = cli_open_store(o->db, NULL, &store);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (store_unit_by_code(store, o->unit, &unit, &err) != ERR_OK) {
        store_close(store);
        return cli_usage_error("--unit: no unit with code \"%s\"", o->unit);
    }
    snprintf(staff.username, sizeof(staff.username), "%s", o->username);
    snprintf(staff.display_name, sizeof(staff.display_name), "%s", o->name ? o->name : o->username);
    snprintf(staff.role, sizeof(staff.role), "%s", o->role);
    staff.unit_id = unit.id;
    staff.active = true;
    memset(&audit, 0, sizeof(audit));
    snprintf(audit.actor, sizeof(audit.actor), "system");
    snprintf(audit.action, sizeof(audit.action), "staff.create");
    snprintf(audit.detail, sizeof(audit.detail), "stegvis user add: %s, %s at %s", o->username,
             o->role, o->unit);
    if (store_staff_add(store, &staff, &audit, &err) != ERR_OK) {
        store_close(store);
        return cli_report(&err);
    }
    store_close(store);
    return cli_print_json(json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)staff.id, "username",
                                    staff.username, "role", staff.role, "unit", o->unit));
}

int cmd_user(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "add") != 0)
        return cli_usage_error("usage: stegvis user add --db FILE --username U --role ROLE "
                               "--unit CODE [--name NAME] (password on standard input)");
    struct user_options o;
    int rc = parse_user_options(argc - 1, argv + 1, &o);
    if (rc != CLI_EXIT_OK)
        return rc;
    char password[300];
    rc = read_password(password, sizeof(password));
    if (rc == CLI_EXIT_OK)
        rc = add_user(&o, password);
    memset(password, 0, sizeof(password));
    return rc;
}
