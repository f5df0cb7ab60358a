/* mo2c.c - a build-time tool: GNU .mo catalogues (compiled by msgfmt --check from po/LANG/NAME.po)
 * into one C source with a sorted table per language (src/http/web/i18n.h).
 *
 *   mo2c OUTPUT.c LANG=FILE.mo [LANG=FILE.mo ...]
 *
 * Several files of one language are merged; an id defined in two of them is an error, as are
 * message contexts and plural forms (the pages look up plain ids), and a catalogue whose header
 * does not declare charset=UTF-8. The .mo layout (GNU gettext manual, "The Format of GNU MO
 * Files"): magic 0x950412de, revision, count N, offset of the original-string table, offset of
 * the translation table; each table holds N (length, offset) pairs of 32-bit words. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MO_MAGIC         0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u
#define MO_MAX_BYTES     (16u * 1024 * 1024)
#define MAX_LANGS        16

struct message {
    char *id;
    char *text;
    const char *file; /* where it came from, for the duplicate error */
};

struct language {
    char name[16];
    struct message *messages;
    size_t count, cap;
};

static struct language langs[MAX_LANGS];
static int lang_count;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mo2c: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("%s: cannot open", path);
    unsigned char *data = xalloc(MO_MAX_BYTES);
    *size = fread(data, 1, MO_MAX_BYTES, f);
    int failed = ferror(f) || !feof(f);
    fclose(f);
    if (failed)
        die("%s: cannot read it whole (larger than 16 MiB?)", path);
    return data;
}

static uint32_t word(const unsigned char *data, size_t size, size_t offset, int swapped,
                     const char *path)
{
    if (offset > size || size - offset < 4)
        die("%s: truncated (a table points past the end)", path);
    const unsigned char *p = data + offset;
    if (swapped)
        return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* String `index` of the table at `table`: checked to lie inside the file and be terminated. */
static const char *string_at(const unsigned char *data, size_t size, uint32_t table, uint32_t index,
                             int swapped, const char *path, uint32_t *length)
{
    size_t entry = (size_t)table + (size_t)index * 8;
    *length = word(data, size, entry, swapped, path);
    uint32_t offset = word(data, size, entry + 4, swapped, path);
    if (offset > size || size - offset <= *length || data[offset + *length] != '\0')
        die("%s: a string lies outside the file or is not terminated", path);
    return (const char *)data + offset;
}

static struct language *language(const char *name)
{
    for (int i = 0; i < lang_count; i++)
        if (strcmp(langs[i].name, name) == 0)
            return &langs[i];
    if (lang_count == MAX_LANGS)
        die("more than 16 languages");
    struct language *l = &langs[lang_count++];
    snprintf(l->name, sizeof(l->name), "%s", name);
    return l;
}

static void check_header(const char *header, const char *path)
{
    const char *p = header;
    for (; *p != '\0'; p++)
        if (strncasecmp(p, "charset=utf-8", 13) == 0)
            return;
    die("%s: the header must declare \"Content-Type: text/plain; charset=UTF-8\"", path);
}

static void add_message(struct language *l, const char *id, const char *text, const char *path)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->messages[i].id, id) == 0) {
            fprintf(stderr, "mo2c: \"%s\" is defined in both %s and %s\n", id, l->messages[i].file,
                    path);
            exit(1);
        }
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        struct message *grown = realloc(l->messages, l->cap * sizeof(*grown));
        if (grown == NULL)
            die("out of memory");
        l->messages = grown;
    }
    struct message *m = &l->messages[l->count++];
    m->id = strcpy(xalloc(strlen(id) + 1), id);
    m->text = strcpy(xalloc(strlen(text) + 1), text);
    m->file = path;
}

static void load_mo(struct language *l, const char *path)
{
    size_t size = 0;
    unsigned char *data = read_file(path, &size);
    uint32_t magic = word(data, size, 0, 0, path);
    if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
        die("%s: not a GNU .mo file (wrong magic number)", path);
    int swapped = magic == MO_MAGIC_SWAPPED;
    if (word(data, size, 4, swapped, path) >> 16 != 0)
        die("%s: unknown .mo major revision", path);
    uint32_t count = word(data, size, 8, swapped, path);
    uint32_t originals = word(data, size, 12, swapped, path);
    uint32_t translations = word(data, size, 16, swapped, path);
    int has_header = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t id_len, text_len;
        const char *id = string_at(data, size, originals, i, swapped, path, &id_len);
        const char *text = string_at(data, size, translations, i, swapped, path, &text_len);
        if (id_len == 0) {
            check_header(text, path);
            has_header = 1;
            continue;
        }
        if (strlen(id) != id_len || strlen(text) != text_len)
            die("%s: \"%s\" has plural forms: use plain messages", path, id);
        if (strchr(id, '\004') != NULL)
            die("%s: \"%s\" has a message context: use a longer id instead", path, id);
        add_message(l, id, text, path);
    }
    if (!has_header)
        die("%s: no header entry (msgid \"\")", path);
    free(data);
}

/* A C string literal: octal escapes for control bytes, backslash-escaped " \ and ? (so no
 * trigraph can form); UTF-8 bytes are kept as they are. */
static void put_literal(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\' || *p == '?')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\%03o", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct message *)a)->id, ((const struct message *)b)->id);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct language *)a)->name, ((const struct language *)b)->name);
}

static void write_c(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (out == NULL)
        die("%s: cannot write", tmp);
    fprintf(out, "/* Generated by tools/mo2c from po/LANG/NAME.po: do not edit. */\n"
                 "#include \"http/web/i18n.h\"\n\n#include <stddef.h>\n");
    qsort(langs, (size_t)lang_count, sizeof(langs[0]), by_name);
    for (int i = 0; i < lang_count; i++) {
        struct language *l = &langs[i];
        qsort(l->messages, l->count, sizeof(l->messages[0]), by_id);
        if (l->count == 0)
            continue;
        fprintf(out, "\nstatic const struct i18n_message messages_%d[] = {\n", i);
        for (size_t m = 0; m < l->count; m++) {
            fputs("    { ", out);
            put_literal(out, l->messages[m].id);
            fputs(", ", out);
            put_literal(out, l->messages[m].text);
            fputs(" },\n", out);
        }
        fputs("};\n", out);
    }
    fputs("\nconst struct i18n_catalog i18n_catalogs[] = {\n", out);
    for (int i = 0; i < lang_count; i++) {
        fputs("    { ", out);
        put_literal(out, langs[i].name);
        if (langs[i].count == 0)
            fputs(", NULL, 0 },\n", out);
        else
            fprintf(out, ", messages_%d, %zu },\n", i, langs[i].count);
    }
    fprintf(out, "};\n\nconst int i18n_catalog_count = %d;\n", lang_count);
    if (fclose(out) != 0 || rename(tmp, path) != 0)
        die("%s: cannot write", path);
}

static void valid_language_name(const char *name, size_t len)
{
    int ok = len > 0 && len < 16;
    for (size_t i = 0; ok && i < len; i++)
        ok = islower((unsigned char)name[i]) || name[i] == '_';
    if (!ok)
        die("\"%s\": a language is lower-case letters (po/LANG/)", name);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mo2c OUTPUT.c LANG=FILE.mo [LANG=FILE.mo ...]\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (eq == NULL)
            die("\"%s\" is not LANG=FILE.mo", argv[i]);
        char name[16] = "";
        size_t len = (size_t)(eq - argv[i]);
        valid_language_name(argv[i], len);
        memcpy(name, argv[i], len);
        load_mo(language(name), eq + 1);
    }
    write_c(argv[1]);
    for (int i = 0; i < lang_count; i++) {
        for (size_t m = 0; m < langs[i].count; m++) {
            free(langs[i].messages[m].id);
            free(langs[i].messages[m].text);
        }
        free(langs[i].messages);
    }
    return 0;
}
