#ifndef CONCLAB_CEDITLINE_SHIM_H
#define CONCLAB_CEDITLINE_SHIM_H
// el_set, el_get and history are variadic, which Swift cannot call: one inline wrapper per use.
#include <stdio.h>
#include <histedit.h>

#include <locale.h>

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
