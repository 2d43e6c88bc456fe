#ifndef CONCLAB_CEDITLINE_SHIM_H
#define CONCLAB_CEDITLINE_SHIM_H
// el_set, el_get and history are variadic, which Swift cannot call: one inline wrapper per use.
#include <stdio.h>
#include <histedit.h>

#include <locale.h>
#include <poll.h>
#include <unistd.h>
#include <errno.h>
#include <wchar.h>
#include <string.h>

/// Called before each wait for a key and every 200 ms while the editor waits; returns non-zero if the line must be
/// redrawn (it printed a background notice such as a deadlock report, or the window was resized).
typedef int (*conclab_idle_fn)(EditLine *);
static conclab_idle_fn conclab_idle_hook = NULL;

/// Reads one character for libedit (UTF-8 decoded), polling so the idle hook can run while the learner thinks.
static inline int conclab_getc(EditLine *el, wchar_t *out) {
    unsigned char bytes[4];
    for (;;) {
        if (conclab_idle_hook && conclab_idle_hook(el)) el_set(el, EL_REFRESH);
        struct pollfd p = { .fd = 0, .events = POLLIN, .revents = 0 };
        int ready = poll(&p, 1, 200);
        if (ready < 0) { if (errno == EINTR) continue; return -1; }
        if (ready == 0) continue;
        ssize_t n = read(0, bytes, 1);
        if (n < 0) { if (errno == EINTR || errno == EAGAIN) continue; return -1; }
        if (n == 0) return 0;
        int need = bytes[0] < 0x80 ? 0 : (bytes[0] >> 5) == 0x6 ? 1 : (bytes[0] >> 4) == 0xE ? 2 : (bytes[0] >> 3) == 0x1E ? 3 : 0;
        for (int i = 1; i <= need; i++) {
            ssize_t m;
            do { m = read(0, bytes + i, 1); } while (m < 0 && errno == EINTR);
            if (m <= 0) return m == 0 ? 0 : -1;
        }
        mbstate_t state;
        memset(&state, 0, sizeof state);
        wchar_t wc;
        size_t r = mbrtowc(&wc, (const char *)bytes, (size_t)need + 1, &state);
        *out = (r == (size_t)-1 || r == (size_t)-2) ? (wchar_t)bytes[0] : wc;
        return 1;
    }
}

static inline void conclab_el_use_polling_getc(EditLine *el, conclab_idle_fn hook) {
    conclab_idle_hook = hook;
    el_set(el, EL_GETCFN, conclab_getc);
}

typedef char *(*conclab_prompt_fn)(EditLine *);

/// el_init on the process's stdin/stdout/stderr (Swift 6 rejects the C globals), in the user's locale.
static inline EditLine *conclab_el_init(const char *prog) {
    setlocale(LC_CTYPE, "");
    return el_init(prog, stdin, stdout, stderr);
}
typedef unsigned char (*conclab_el_fn)(EditLine *, int);

static inline int conclab_el_set_prompt(EditLine *el, conclab_prompt_fn fn) { return el_set(el, EL_PROMPT, fn); }
static inline int conclab_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int conclab_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int conclab_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *conclab_el_get_clientdata(EditLine *el) { void *d = NULL; el_get(el, EL_CLIENTDATA, &d); return d; }
static inline int conclab_el_addfn(EditLine *el, const char *name, const char *help, conclab_el_fn fn) { return el_set(el, EL_ADDFN, name, help, fn); }
static inline int conclab_el_bind(EditLine *el, const char *key, const char *fn) { return el_set(el, EL_BIND, key, fn, NULL); }
/// Binds in vi's command-mode map (in emacs mode, the map of keys after ESC).
static inline int conclab_el_bind_alternate(EditLine *el, const char *key, const char *fn) { return el_set(el, EL_BIND, "-a", key, fn, NULL); }
/// "emacs" or "vi".
static inline const char *conclab_el_get_editor(EditLine *el) { const char *mode = NULL; el_get(el, EL_EDITOR, &mode); return mode; }
/// Runs one line of an editrc as el_source does: words split the way libedit splits them, then el_parse (which
/// applies `conclab:…` lines and skips lines for other programs). 0 when understood, -1 when not.
static inline int conclab_el_parse_line(EditLine *el, const char *line) {
    Tokenizer *tok = tok_init(NULL);
    if (tok == NULL) return -1;
    int argc = 0;
    const char **argv = NULL;
    int status = tok_str(tok, line, &argc, &argv);
    if (status == 0 && argc > 0) status = el_parse(el, argc, argv) < 0 ? -1 : 0;
    else if (status != 0) status = -1;
    tok_end(tok);
    return status;
}
static inline int conclab_el_tty_noisig(EditLine *el) { return el_set(el, EL_SETTY, "-d", "-isig", NULL); }
static inline int conclab_el_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }

static inline History *conclab_history_init(int size) {
    History *h = history_init();
    HistEvent ev;
    if (h) { history(h, &ev, H_SETSIZE, size); history(h, &ev, H_SETUNIQUE, 1); }
    return h;
}
static inline int conclab_history_enter(History *h, const char *line) { HistEvent ev; return history(h, &ev, H_ENTER, line); }
static inline int conclab_history_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
static inline int conclab_history_save(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_SAVE, path); }
/// Oldest first: H_LAST is the oldest entry, H_PREV walks towards the newest.
static inline const char *conclab_history_oldest(History *h) { HistEvent ev; return history(h, &ev, H_LAST) == -1 ? NULL : ev.str; }
static inline const char *conclab_history_newer(History *h) { HistEvent ev; return history(h, &ev, H_PREV) == -1 ? NULL : ev.str; }

#endif
