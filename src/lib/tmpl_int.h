/*
 * tmpl_int.h - internals of the template engine shared by its modules:
 * block splitting (tmpl_split.c), values (tmpl_val.c), the Perl-subset
 * parser (tmpl_parse.c), the evaluator (tmpl_eval.c), builtins
 * (tmpl_builtin.c) and the configuration bindings (tmpl_db.c).
 *
 * Values follow Perl: a scalar container (tsv) holds undef, an integer,
 * a double, a byte string or a reference; arrays (tav) and hashes (thv)
 * hold scalar containers so that foreach/map/grep can alias them. All
 * three are reference counted; nothing in the subset can build a cycle
 * that outlives an environment (see tmpl_env_free).
 */
#ifndef ESM_TMPL_INT_H
#define ESM_TMPL_INT_H

#include "buf.h"
#include "db.h"
#include "err.h"
#include "tmpl.h"

#include <stddef.h>
#include <stdint.h>

/* ---- block splitting: Text::Template's compile() ---- */

typedef struct tmpl_piece {
    int is_code;
    /* escapes already applied; NUL-terminated; points into one buffer that
     * all pieces of a split share (owned by the array, freed by
     * tmpl_pieces_free, never by the piece) */
    char *text;
    size_t len;
    int line; /* line of the text's end (TEXT) or of the opening brace (PROG) */
    int col;  /* column just after the opening brace (PROG) */
} tmpl_piece;

/* Splits src into text and code pieces. Returns the count, or -1 with a
 * located message in err (unbalanced braces). */
int tmpl_split(const char *src, size_t len, const char *filename, tmpl_piece **pieces_out,
               esm_err *err);
void tmpl_pieces_free(tmpl_piece *pieces, int count);

/* ---- values ---- */

enum { T_UNDEF, T_IV, T_NV, T_STR, T_REF };
enum { RK_SCALAR, RK_ARRAY, RK_HASH, RK_DB, RK_RECORD, RK_IO };

typedef struct tsv tsv;
typedef struct tav tav;
typedef struct thv thv;
typedef struct tobj tobj;

struct tsv {
    int rc;
    unsigned char t;
    unsigned char rk; /* for T_REF */
    int64_t iv;
    double nv;
    char *s; /* T_STR: bytes, NUL-terminated */
    size_t len, cap;
    void *ref; /* T_REF: tsv*, tav*, thv* or tobj* (counted) */
    long pos;  /* position for m//g in scalar context, -1 when unset */
};

struct tav {
    int rc;
    tsv **v; /* elements may be NULL: never assigned */
    size_t n, cap;
};

typedef struct thv_ent {
    char *key;
    size_t klen;
    tsv *val; /* NULL: deleted slot */
} thv_ent;

struct thv {
    int rc;
    thv_ent *ents; /* insertion order */
    size_t n, cap, live;
    size_t *idx; /* open addressing over ents, SIZE_MAX = empty */
    size_t idx_cap;
};

/* Database and record objects ($DB, $DB->get('k')). */
struct tobj {
    int rc;
    int kind;        /* RK_DB or RK_RECORD */
    esm_db *db;      /* not owned */
    char *key;       /* RK_RECORD */
    esm_record *rec; /* RK_RECORD, owned */
    const char *class_name;
    struct tio *io; /* RK_IO: an open(...) handle, owned (tmpl_io.c) */
};

tsv *tsv_new(void);
tsv *tsv_new_str(const char *s, size_t len);
tsv *tsv_new_cstr(const char *s);
tsv *tsv_new_iv(int64_t iv);
tsv *tsv_new_nv(double nv);
tsv *tsv_new_ref(int rk, void *ref); /* takes the reference */
tsv *tsv_copy(const tsv *src);
tsv *tsv_inc(tsv *sv);
void tsv_dec(tsv *sv);
/* Frees the scalars kept for reuse (see tmpl_val.c); the environment
 * calls it when it goes. */
void tmpl_val_release(void);
void tsv_set(tsv *dst, const tsv *src); /* copies the value */
void tsv_set_undef(tsv *sv);
void tsv_set_str(tsv *sv, const char *s, size_t len);
void tsv_set_iv(tsv *sv, int64_t iv);
void tsv_set_nv(tsv *sv, double nv);
void tsv_append(tsv *sv, const char *s, size_t len); /* turns sv into a string */

int tsv_defined(const tsv *sv);
/* Perl truth: undef, "", "0", 0 are false. */
int tsv_true(const tsv *sv);
/* String form; for numbers uses buf (at least 40 bytes). Refs/objects
 * give NULL: the caller reports them (their Perl form is an address). */
const char *tsv_str(const tsv *sv, char *buf, size_t *len_out);
/* Numeric value: is_int set when it is an integer (iv valid). */
void tsv_num(const tsv *sv, int *is_int, int64_t *iv, double *nv);
double tsv_nv(const tsv *sv);
int64_t tsv_iv(const tsv *sv);
/* Perl's %.15g rendering of a double. */
void tmpl_fmt_nv(double nv, char *buf, size_t size);
/* Perl's string-to-number conversion. */
void tmpl_str_num(const char *s, size_t len, int *is_int, int64_t *iv, double *nv);
int tmpl_looks_like_number(const char *s, size_t len);

tav *tav_new(void);
void tav_dec(tav *av);
void tav_push(tav *av, tsv *sv); /* takes sv */
tsv *tav_fetch(tav *av, int64_t i, int create);
void tav_clear(tav *av);

thv *thv_new(void);
void thv_dec(thv *hv);
tsv *thv_fetch(thv *hv, const char *key, size_t klen, int create);
void thv_store(thv *hv, const char *key, size_t klen, tsv *sv); /* takes sv */
tsv *thv_delete(thv *hv, const char *key, size_t klen);         /* returns the value or NULL */
void thv_clear(thv *hv);
/* Iteration over live entries: i from 0 while i < hv->n; skips deleted. */

void tobj_dec(tobj *o);
void tref_dec(int rk, void *ref);

/* ---- syntax tree ---- */

typedef struct tnode tnode;
struct tnode {
    int kind;
    int op;
    int line, col;
    tnode **kids;
    int nkids;
    char *str;
    size_t slen;
    int64_t iv;
    double nv;
    int flags;
    void *re;    /* compiled regex (pcre2_code*) for constant patterns */
    void *arena; /* on the root only: the memory of the whole tree */
};

enum tnode_kind {
    N_STMTS,    /* kids: statements; a scope */
    N_BLOCK,    /* bare block: kids[0] N_STMTS; loops once */
    N_IF,       /* kids: cond, body, cond, body..., [else body]; op 1: unless */
    N_WHILE,    /* kids: cond, body; op 1: until; flags F_POSTFIX */
    N_FOREACH,  /* kids: var (N_MY/N_SVAR or NULL), list, body */
    N_CFOR,     /* kids: init, cond, step, body (any may be NULL) */
    N_NUM,      /* iv/nv, flags F_INT */
    N_STR,      /* str/slen */
    N_INTERP,   /* kids concatenated as strings; flags F_JOIN for @ parts */
    N_JOINLIST, /* kids[0] list, joined with $" (array interpolation) */
    N_SVAR,     /* str: name */
    N_AVAR,
    N_HVAR,
    N_ALAST,  /* $#a: kids[0] array node */
    N_ELEM,   /* kids: array node, index */
    N_HELEM,  /* kids: hash node, key */
    N_SLICE,  /* kids: array node, list */
    N_HSLICE, /* kids: hash node, list */
    N_RV2AV,  /* kids[0]: expression giving an array ref */
    N_RV2HV,
    N_RV2SV,
    N_MY,   /* kids: variables; flags F_PAREN */
    N_LIST, /* kids; flags F_PAREN */
    N_ANONA,
    N_ANONH,
    N_ASSIGN, /* kids: lhs, rhs; op: 0 or the binary operator */
    N_BINOP,  /* op */
    N_AND,
    N_OR,
    N_DOR,
    N_NOT,
    N_NEG,
    N_COND,
    N_RANGE,
    N_PREINC,
    N_PREDEC,
    N_POSTINC,
    N_POSTDEC,
    N_MATCH,      /* kids: target|NULL, pattern (N_STR/N_INTERP); str: flags; op 1: !~ */
    N_SUBST,      /* kids: target|NULL, pattern, replacement; str: flags */
    N_SMARTMATCH, /* kids: left, right (~~) */
    N_TRANS,      /* tr///: kids: target|NULL; str: short[256] table; iv: TR_* flags; op 1: !~ */
    N_FUNC,       /* op: builtin id; kids: args; flags F_BLOCKARG: kids[0] is a block */
    N_METHOD,     /* kids: invocant, args...; str: method name */
    N_CLASS,      /* bareword class name before -> */
    N_NEXT,
    N_LAST,
    N_RETURN,
    N_DO,  /* kids[0]: N_STMTS */
    N_REF, /* \ kids[0] */
    N_NOP,
    N_LOCAL, /* kids: global variables; flags F_PAREN */
    N_OUR,   /* kids: global variables; flags F_PAREN */
};

enum {
    F_INT = 1,
    F_PAREN = 2,
    F_POSTFIX = 4,
    F_BLOCKARG = 8,
    F_MYVAR = 16,
    F_DEREF_ARROW = 32,
    F_HANDLE = 64, /* N_STR: a bareword filehandle (FH) */
};

/* tr///: what a byte becomes besides another byte, and the flags */
enum { TR_KEEP = -1, TR_DELETE = -2 };
enum { TR_RETURN = 1, TR_SQUEEZE = 2, TR_COUNT_ONLY = 4 };

enum tbinop {
    OP_CONCAT = 1,
    OP_REPEAT,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_POW,
    OP_NUM_EQ,
    OP_NUM_NE,
    OP_NUM_LT,
    OP_NUM_GT,
    OP_NUM_LE,
    OP_NUM_GE,
    OP_NUM_CMP,
    OP_STR_EQ,
    OP_STR_NE,
    OP_STR_LT,
    OP_STR_GT,
    OP_STR_LE,
    OP_STR_GE,
    OP_STR_CMP,
    OP_AND_ASSIGN, /* &&= */
    OP_OR_ASSIGN,  /* ||= */
    OP_DOR_ASSIGN, /* //= */
};

enum tbuiltin {
    B_DEFINED = 1,
    B_EXISTS,
    B_DELETE,
    B_KEYS,
    B_VALUES,
    B_SORT,
    B_REVERSE,
    B_JOIN,
    B_SPLIT,
    B_PUSH,
    B_POP,
    B_SHIFT,
    B_UNSHIFT,
    B_SCALAR,
    B_LENGTH,
    B_LC,
    B_UC,
    B_LCFIRST,
    B_UCFIRST,
    B_SUBSTR,
    B_INDEX,
    B_RINDEX,
    B_SPRINTF,
    B_GREP,
    B_MAP,
    B_ABS,
    B_INT,
    B_HEX,
    B_OCT,
    B_ORD,
    B_CHR,
    B_DIE,
    B_WARN,
    B_CHOMP,
    B_CHOP,
    B_UNDEF,
    B_REF,
    B_WANTARRAY,
    B_SQRT,
    B_QUOTEMETA,
    B_EACH,
    B_OPEN,
    B_CLOSE,
    B_EOF,
    B_READLINE, /* kids[0]: the handle (N_STR F_HANDLE or a scalar) */
    B_FTEST,    /* iv: the test letter; kids: [operand] ($_ without) */
    B_OPENDIR,
    B_READDIR,
    B_CLOSEDIR,
    B_LDAPBASE, /* esmith::util::ldapBase */
    B_LDAPPASSWORD,
    B_LOAD_TEXT, /* Text::Template::_load_text */
    B_NCALLS
};

typedef struct tmpl_parser_result {
    tnode *root;
} tmpl_parser_result;

/* Parses one code block. line/col give the position of code[0] in the
 * fragment. Returns NULL with a located message in err. */
tnode *tmpl_parse(const char *code, size_t len, const char *filename, int line, int col,
                  esm_err *err);
void tnode_free(tnode *n);
/* Frees the memory kept for the next parse (see tmpl_parse.c); the
 * environment calls it when it goes. */
void tmpl_parse_release(void);

/* ---- evaluation ---- */

typedef struct tlist {
    tsv **v;
    size_t n, cap;
} tlist;

void tlist_push(tlist *l, tsv *sv); /* takes sv */
void tlist_free(tlist *l);          /* drops every element */

typedef struct tglob {
    tsv *sv;
    tav *av;
    thv *hv;
} tglob;

typedef struct tlex {
    char sigil;
    const char *name;
    void *var; /* tsv*, tav* or thv*, counted */
} tlex;

enum { U_NONE, U_ERR, U_NEXT, U_LAST, U_RETURN };

struct esm_tmpl_env {
    esm_db *config;
    thv *globals_index; /* name -> index into globs, via iv */
    tglob *globs;
    size_t nglobs, capglobs;
    esm_db **opened; /* databases opened by Class->open, closed with the env */
    size_t nopened;
    /* lexical scope stack */
    tlex *lex;
    size_t nlex, caplex;
    /* current evaluation */
    const char *filename;
    int unwind;
    tsv *retval;
    esm_err *err;
    long budget;
    size_t depth;
    size_t bytes; /* string bytes created by x, ., join: a guard, not an exact count */
    /* last successful match: $1.. $& */
    char *match_subject;
    size_t match_len;
    size_t *ovec;
    int ovec_n;
    int64_t split_limit; /* implicit LIMIT of a split assigned to scalars */
    tlist mortals;       /* temporaries that must live until the statement ends */
    esm_tmpl_warn_fn warn_fn;
    void *warn_ctx;
    /* `local`: the values to put back when the enclosing block ends */
    struct tsave {
        size_t glob;
        char sigil;
        void *old;
    } * saves;
    size_t nsaves, capsaves;
    /* files (tmpl_io.c) */
    thv *handles;          /* bareword filehandles: name -> RK_IO reference */
    thv *dirhandles;       /* bareword directory handles (a separate namespace) */
    struct tio *last_read; /* for ", <FH> line N" in die/warn; not counted */
    int errno_val;         /* $! */
    size_t read_bytes;     /* read from files by this fragment: bounded */
    esm_tmpl_broken_fn broken_fn;
    void *broken_ctx;
    char *perl_error; /* $@ of the last die, for broken_fn (NULL: not a die) */
};

/* Runs a parsed block; returns its value (counted) or NULL with env->unwind
 * set. */
void tmpl_free_mortals(esm_tmpl_env *env, size_t mark);
tsv *tmpl_run_block(esm_tmpl_env *env, tnode *root);
tsv *tmpl_eval_scalar(esm_tmpl_env *env, tnode *n);
int tmpl_eval_list(esm_tmpl_env *env, tnode *n, tlist *out);
tsv *tmpl_lvalue(esm_tmpl_env *env, tnode *n);
/* Whether an assignment to n is a list assignment (arrays, hashes,
 * slices, (LIST), my/local/our of a list or an aggregate). */
int tmpl_is_list_lhs(const tnode *n);
tav *tmpl_array_of(esm_tmpl_env *env, tnode *n, int create);
thv *tmpl_hash_of(esm_tmpl_env *env, tnode *n, int create);
/* Raises a runtime error located at n (Perl's "... at FILE line N."). */
void *tmpl_die(esm_tmpl_env *env, const tnode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void *tmpl_unsupported(esm_tmpl_env *env, const tnode *n, const char *what);
/* String of sv for output/concatenation; raises for references. */
const char *tmpl_strval(esm_tmpl_env *env, const tnode *n, const tsv *sv, char *buf, size_t *len);
int tmpl_charge(esm_tmpl_env *env, const tnode *n, long steps);
int tmpl_charge_bytes(esm_tmpl_env *env, const tnode *n, size_t bytes);

tsv *tmpl_builtin(esm_tmpl_env *env, tnode *n, int want_list, tlist *out);
/* A builtin's one value v as its caller's context wants it: v itself in
 * scalar context, pushed on out (and undef returned) in list context. */
tsv *tmpl_result(int want_list, tlist *out, tsv *v);
/* Argument i's string (of $_ past the last) as a copy; NULL on an error. */
char *tmpl_arg_strdup(esm_tmpl_env *env, tnode *n, int i, size_t *len);
tsv *tmpl_regex_match(esm_tmpl_env *env, tnode *n, int want_list, tlist *out);
tsv *tmpl_regex_subst(esm_tmpl_env *env, tnode *n);
tsv *tmpl_transliterate(esm_tmpl_env *env, tnode *n);
void tmpl_regex_free(void *re);
/* Whether a compiled pattern is attached to any tree (see tnode_free). */
int tmpl_regex_live(void);
int tmpl_sprintf(esm_tmpl_env *env, const tnode *n, tsv **args, size_t nargs, esm_buf *out);

/* `local`: restores what was localized since mark (block exit). */
void tmpl_restore_locals(esm_tmpl_env *env, size_t mark);

/* Read-only files under $ESMITH_ROOT (tmpl_io.c). */
tsv *tmpl_io_builtin(esm_tmpl_env *env, tnode *n, int want_list, tlist *out);
/* Appends Perl's ", <FH> line N" when a handle was read last and is open. */
void tmpl_io_last_read(esm_tmpl_env *env, esm_buf *msg);
/* $! (as Perl prints it) and $. (lines read from the last handle read). */
tsv *tmpl_io_special(esm_tmpl_env *env, char name);
void tmpl_io_free(struct tio *io);
/* Argument i (of $_ past the last) as a file name, copied: "" when it
 * holds a NUL, which names no file for Perl's file tests and open
 * (its opendir cuts the name there instead). */
char *tmpl_io_path_arg(esm_tmpl_env *env, tnode *n, int i);
/* A regular file under the root: its first line without the newline
 * (undef when the file is empty), or the whole file; 1; 0 when path is
 * not a regular file or cannot be opened ($! set); -1 with the error
 * raised (a first line that cannot be opened is an error). */
int tmpl_io_read_file(esm_tmpl_env *env, tnode *n, const char *path, int first_line, tsv **out);

/* The pure functions of esmith::util real fragments call, and
 * Text::Template::_load_text (tmpl_util.c). */
tsv *tmpl_util_builtin(esm_tmpl_env *env, tnode *n, int want_list, tlist *out);

/* Config bindings */
tglob *tmpl_glob(esm_tmpl_env *env, const char *name, int create);
tsv *tmpl_method(esm_tmpl_env *env, tnode *n, int want_list, tlist *out);
tobj *tmpl_db_object(esm_db *db, const char *class_name);

#define TMPL_MAX_DEPTH 200
#define TMPL_BUDGET 1000000L
#define TMPL_MAX_BYTES (64u << 20)
#define TMPL_MAX_READ (16u << 20) /* bytes a fragment may read from files */

#endif
