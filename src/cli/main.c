/* main.c - `stegvis SUBCOMMAND ...`: dispatch and help. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
};

static const struct command commands[] = {
    { "instruments", cmd_instruments, "instruments                 list the instruments" },
    { "score", cmd_score, "score INSTRUMENT P1,P2,...  score answers (option positions)" },
    { "outcome", cmd_outcome, "outcome INSTRUMENT FIRST LAST | outcome --phq9 A B --gad7 C D" },
    { "pnr", cmd_pnr, "pnr NUMBER [--on YYYY-MM-DD] check a personnummer" },
    { "recommend", cmd_recommend, "recommend phq9=P1,... gad7=... [audit=...] [wsas=...]" },
    { "serve", cmd_serve,
      "serve --db FILE|postgresql://... [--listen 127.0.0.1:8080] [--data DIR] [--threads N] "
      "[--public-url https://...]  run the server" },
    { "migrate", cmd_migrate, "migrate --db FILE [--backup FILE]  upgrade the schema" },
    { "backup", cmd_backup, "backup --db FILE --to FILE  copy the database while in use" },
    { "copy", cmd_copy,
      "copy --from sqlite:FILE --to postgres://...  move a whole region, verified per table" },
    { "demo", cmd_demo,
      "demo --db FILE [--patients N] [--seed S] [--today YYYY-MM-DD]  synthetic demo region" },
    { "report", cmd_report,
      "report --db FILE [--format csv|json|html] [--indicator ID] [--by DIM[,DIM2]] [--unit CODE]"
      " [--from YYYY-MM-DD --to YYYY-MM-DD]  quality indicators" },
    { "user", cmd_user,
      "user add --db FILE --username U --role ROLE --unit CODE [--name N] (password on stdin)" },
};

static void print_usage(FILE *to)
{
    fprintf(to, "usage: stegvis COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(to, "  %s\n", commands[i].usage);
    fprintf(to, "\ncommon options: --data DIR  --sex female|male  --lang sv|en\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("stegvis %s\n", STEGVIS_VERSION);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "stegvis: unknown command \"%s\" (try: stegvis --help)\n", argv[1]);
    return CLI_EXIT_USAGE;
}
