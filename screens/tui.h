/* The workbench's entry point. No curses types here: src/cli.c includes it. */
#ifndef CD_TUI_H
#define CD_TUI_H

struct cd_config;

/* Runs the full-screen workbench until the user quits; returns the exit code. */
int tui_run(const struct cd_config *cfg, const char *initial_login);
/* The rating pad (好差评) of window, full screen, for the kiosk account:
 * the login screen, then only the pad. */
int tui_rate(const struct cd_config *cfg, const char *login, int window);

#endif
